import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistributedRuntime, RedisJobStore } from '../../src/bullmq/index.js';
import { readDurableLedger } from '../helpers/durable-ledger.js';
import { registerFlows } from './fixtures/flows.js';
import { spawnWorker, until } from './workers.js';
import { distributedSuite } from './suite.js';

// Reliability plan F14: a worker stopped with SIGSTOP in the middle of an activation, for
// longer than its lease. Another worker takes the job over and finishes it; when the
// stopped worker continues (SIGCONT) its activation ends and its writes are refused
// (STALE_WRITE): the stored job is exactly what the new holder wrote.

const LEASE_MS = 1500;
const { server, dir, workers, closers: closers } = await distributedSuite('f14');

describe('F14: a zombie worker', () => {
  it('SIGSTOP past the lease, takeover, SIGCONT: the zombie’s writes are rejected and the job is written once', async () => {
    const ledger = join(dir, 'f14.ndjson');
    const a = spawnWorker(server.url, 'f14', { ledger, durable: true, concurrency: 4, leaseMs: LEASE_MS });
    workers.push(a);
    await a.ready;
    const runtime = new DistributedRuntime({ connection: server.url, prefix: 'f14', registry: registerFlows(undefined) });
    const store = new RedisJobStore({ connection: server.url, prefix: 'f14' });
    closers.push(runtime, store);
    const job = await runtime.exec('slow', { entryParams: { msg: 'm0' } });
    const b = spawnWorker(server.url, 'f14', { ledger, durable: true, concurrency: 4, leaseMs: LEASE_MS });
    workers.push(b);
    await b.ready;
    // stop A while one of its activations runs
    const open = (): ReturnType<typeof readDurableLedger>['ledger']['entries'][number] | undefined => {
      const es = readDurableLedger(ledger).ledger.entries;
      return es.find((e) => e.phase === 'start' && !es.some((x) => x.phase === 'end' && x.taskId === e.taskId && x.attempt === e.attempt));
    };
    await until(() => open() !== undefined, 20_000, 'an activation in flight on A', 5);
    a.child.kill('SIGSTOP');
    const zombie = open()!;
    expect((zombie as unknown as { who: string }).who).toBe(String(a.pid));

    await until(async () => (await runtime.getJob(job.jobId))?.status === 'completed', 40_000, 'the job completed on B');
    const written = JSON.stringify(await store.getJob(job.jobId));
    const ends = readDurableLedger(ledger).ledger.entries.filter((e) => e.phase === 'end');
    expect(ends.filter((e) => e.stage >= zombie.stage).every((e) => (e as unknown as { who: string }).who === String(b.pid))).toBe(true);

    a.child.kill('SIGCONT');
    await until(() => a.errors.includes('STALE_WRITE'), 15_000, 'the zombie’s write refused');
    // the zombie's activation did end (its side effect is the documented duplicate) ...
    await until(() => readDurableLedger(ledger).ledger.entries.some((e) => e.phase === 'end' && e.taskId === zombie.taskId && e.attempt === zombie.attempt), 5_000, 'the zombie activation ended');
    await new Promise((r) => setTimeout(r, 500));
    // ... and changed nothing in the store
    expect(JSON.stringify(await store.getJob(job.jobId))).toBe(written);
    const doc = await store.getJob(job.jobId);
    expect(doc?.status).toBe('completed');
    // the taken-over activation ran again on B as attempt 2 of the same task
    expect(readDurableLedger(ledger).ledger.entries.some((e) => e.phase === 'end' && e.taskId === zombie.taskId && e.attempt === zombie.attempt + 1 && (e as unknown as { who: string }).who === String(b.pid))).toBe(true);
  }, 90_000);
});
