import { describe, expect, it } from 'vitest';
import { DistributedRuntime } from '../../src/bullmq/index.js';
import type { JobState } from '../../src/index.js';
import { registerFlows } from './fixtures/flows.js';
import { spawnWorker, until } from './workers.js';
import { distributedSuite } from './suite.js';

// Reliability plan F15: Redis killed with SIGKILL mid-run and restarted on its AOF. Every
// job whose exec resolved (stored and placed) still completes; the workers and the runtime
// reconnect by themselves.

const { server, workers, closers: runtimes } = await distributedSuite('f15');

describe('F15: Redis kill -9 and restart with AOF', () => {
  it('every job whose start was acknowledged completes', async () => {
    const mine = [spawnWorker(server.url, 'f15', { concurrency: 16, leaseMs: 2000 }), spawnWorker(server.url, 'f15', { concurrency: 16, leaseMs: 2000 })];
    workers.push(...mine);
    await Promise.all(mine.map((w) => w.ready));
    const runtime = new DistributedRuntime({ connection: server.url, prefix: 'f15', registry: registerFlows(undefined), controlTimeoutMs: 60_000 });
    runtimes.push(runtime);
    const acknowledged: JobState[] = [];
    let refused = 0;
    let submitting = true;
    // a steady stream of starts while Redis goes down and comes back
    const submitter = (async () => {
      for (let i = 0; submitting && i < 400; i++) {
        try {
          acknowledged.push(await runtime.exec('stages', { entryParams: { msg: `m${i}` } }));
        } catch {
          refused++;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await until(() => acknowledged.length >= 40, 20_000, '40 acknowledged starts');
    await server.kill9();
    await new Promise((r) => setTimeout(r, 500));
    await server.restart();
    await until(() => acknowledged.length >= 120, 60_000, 'starts acknowledged again after the restart');
    submitting = false;
    await submitter;
    expect(await runtime.waitUntilAllJobsFinished(90_000)).toBe(true);
    const missing: string[] = [];
    for (const j of acknowledged) {
      const after = await runtime.getJob(j.jobId);
      if (after?.status !== 'completed') missing.push(`${j.jobId}: ${after?.status ?? 'gone'}`);
    }
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    // the workers were hit mid-run (their writes failed while Redis was down) and went on by themselves
    console.log(`F15: ${acknowledged.length} acknowledged, ${refused} refused while Redis was down; worker errors: ${[...new Set(mine.flatMap((w) => w.errors))].join(', ')}`);
    expect(mine.flatMap((w) => w.errors)).toContain('STORE_UNAVAILABLE');
  }, 180_000);
});
