import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistributedRuntime } from '../../src/bullmq/index.js';
import { checkCrashLedger, readDurableLedger } from '../helpers/durable-ledger.js';
import { registerFlows, stageNames } from './fixtures/flows.js';
import { spawnWorker, until } from './workers.js';
import { distributedSuite } from './suite.js';

// Reliability plan F13: a worker killed with SIGKILL in the middle of its jobs. The jobs
// complete on the other worker; every activation ran at most twice, and every duplicate is
// an activation that was in flight at the kill, run again with the same taskId and attempt 2.

const LEASE_MS = 1500;
const { server, dir, workers, closers: runtimes } = await distributedSuite('f13');

describe('F13: a worker killed mid-job', () => {
  it('SIGKILL: the jobs complete on the other worker, handlers run at most twice, duplicates only of in-flight activations', async () => {
    const ledger = join(dir, 'f13.ndjson');
    const a = spawnWorker(server.url, 'f13', { ledger, durable: true, concurrency: 8, leaseMs: LEASE_MS });
    workers.push(a);
    await a.ready;
    const runtime = new DistributedRuntime({ connection: server.url, prefix: 'f13', registry: registerFlows(undefined) });
    runtimes.push(runtime);
    const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => runtime.exec('slow', { entryParams: { msg: `m${i}` } })));
    // A holds every job (B starts only once A took them all); kill A while activations are in flight
    await until(() => readDurableLedger(ledger).ledger.entries.filter((e) => e.stage === 's0' && e.phase === 'start').length >= jobs.length, 30_000, 'every job started on worker A');
    const b = spawnWorker(server.url, 'f13', { ledger, durable: true, concurrency: 8, leaseMs: LEASE_MS });
    workers.push(b);
    await b.ready;
    await until(() => {
      const es = readDurableLedger(ledger).ledger.entries;
      const s3 = es.filter((e) => e.stage === 's3' && e.phase === 'start').length >= jobs.length;
      return s3 && es.some((e) => e.phase === 'start' && !es.some((x) => x.phase === 'end' && x.taskId === e.taskId && x.jobId === e.jobId));
    }, 30_000, 'activations in flight on A', 5);
    a.child.kill('SIGKILL');
    await a.exited;
    const before = readDurableLedger(ledger).ledger.entries;
    const inFlight = new Set(before.filter((e) => e.phase === 'start' && !before.some((x) => x.phase === 'end' && x.taskId === e.taskId && x.jobId === e.jobId && x.attempt === e.attempt)).map((e) => `${e.jobId}/${e.taskId}`));
    expect(inFlight.size).toBeGreaterThan(0);

    expect(await runtime.waitUntilAllJobsFinished(40_000)).toBe(true);
    for (const j of jobs) expect((await runtime.getJob(j.jobId))?.status).toBe('completed');
    const { ledger: l } = readDurableLedger(ledger);
    const report = checkCrashLedger(l, Object.fromEntries(jobs.map((j, i) => [j.jobId, [`m${i}`]])), stageNames);
    expect(report.lost).toEqual([]);
    expect(report.badDuplicates).toEqual([]);
    // handler invocations <= 2 per activation; the second ones are exactly the in-flight activations, on B
    const starts = new Map<string, number>();
    for (const e of l.entries) if (e.phase === 'start') starts.set(`${e.jobId}/${e.stage}`, (starts.get(`${e.jobId}/${e.stage}`) ?? 0) + 1);
    expect(Math.max(...starts.values())).toBeLessThanOrEqual(2);
    const rerun = l.entries.filter((e) => e.phase === 'start' && e.attempt >= 2);
    for (const e of rerun) {
      expect(inFlight.has(`${e.jobId}/${e.taskId}`)).toBe(true);
      expect((e as unknown as { who: string }).who).toBe(String(b.pid));
    }
    for (const key of inFlight) expect(rerun.some((e) => `${e.jobId}/${e.taskId}` === key)).toBe(true);
  }, 90_000);
});
