import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistributedRuntime } from '../../src/bullmq/index.js';
import { readDurableLedger } from '../helpers/durable-ledger.js';
import { registerFlows, stageNames } from './fixtures/flows.js';
import { spawnWorker } from './workers.js';
import { distributedSuite } from './suite.js';

const { server, dir, workers, closers: runtimes } = await distributedSuite('dist');

describe('DistributedRuntime and startWorker', () => {
  it('runs jobs of a 10-stage flow on two worker processes', async () => {
    const ledger = join(dir, 'smoke.ndjson');
    workers.push(spawnWorker(server.url, 'smoke', { ledger }), spawnWorker(server.url, 'smoke', { ledger }));
    await Promise.all(workers.map((w) => w.ready));
    const runtime = new DistributedRuntime({ connection: server.url, prefix: 'smoke', registry: registerFlows(undefined) });
    runtimes.push(runtime);
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => runtime.exec('stages', { entryParams: { msg: `m${i}` } })));
    expect(jobs.every((j) => j.status === 'pending')).toBe(true);
    expect(await runtime.waitUntilAllJobsFinished(30_000)).toBe(true);
    for (const j of jobs) expect((await runtime.getJob(j.jobId))?.status).toBe('completed');
    const { ledger: l } = readDurableLedger(ledger);
    const report = l.check(Object.fromEntries(jobs.map((j, i) => [j.jobId, [`m${i}`]])), stageNames);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(workers.flatMap((w) => w.errors)).toEqual([]);
  }, 60_000);
});

describe('options', () => {
  it('refuses bad options with typed errors that say what to fix', async () => {
    const { startWorker } = await import('../../src/bullmq/index.js');
    const { expectRejectCode, expectCode } = await import('../helpers/errors.js');
    expectCode(() => new DistributedRuntime({ connection: 'http://x' }), 'INVALID_ARGUMENT');
    expectCode(() => new DistributedRuntime({ connection: server.url, extra: 1 } as never), 'INVALID_ARGUMENT');
    expectCode(() => new DistributedRuntime({ connection: { host: '127.0.0.1', port: 0 } }), 'INVALID_ARGUMENT');
    await expectRejectCode(startWorker({ connection: server.url, concurrency: 0 }), 'INVALID_ARGUMENT');
    await expectRejectCode(startWorker({ connection: server.url, leaseMs: 10 }), 'INVALID_ARGUMENT');
    await expectRejectCode(startWorker({ connection: server.url, registry: {} as never }), 'INVALID_ARGUMENT');
    const runtime = new DistributedRuntime({ connection: server.url, prefix: 'opts', registry: registerFlows(undefined) });
    await runtime.close();
    await expectRejectCode(runtime.exec('stages'), 'INVALID_STATE');
  });
});
