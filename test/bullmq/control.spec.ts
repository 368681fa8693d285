import { describe, expect, it } from 'vitest';
import { DistributedRuntime } from '../../src/bullmq/index.js';
import type { RoutiluxEvent } from '../../src/index.js';
import { expectRejectCode } from '../helpers/errors.js';
import { registerFlows } from './fixtures/flows.js';
import { spawnWorker, until } from './workers.js';
import { distributedSuite } from './suite.js';

// Control from another process: pause, resume, cancel and post reach the worker that holds
// the job; events$ carries the job's events from the worker; placement is fair (a large job
// does not hold back small ones).

const { server, workers, closers: runtimes } = await distributedSuite('ctl');
const w = spawnWorker(server.url, 'ctl', { concurrency: 4 });
workers.push(w);
await w.ready;
const runtime = new DistributedRuntime({ connection: server.url, prefix: 'ctl', registry: registerFlows(undefined), controlTimeoutMs: 20_000 });
runtimes.push(runtime);

describe('DistributedRuntime control from another process', () => {
  it('pauses, resumes and posts to a job a worker runs; events arrive through events$', async () => {
    const events: RoutiluxEvent[] = [];
    const sub = runtime.events$.subscribe({ next: (e) => events.push(e) });
    await new Promise((r) => setTimeout(r, 100)); // the subscription is confirmed asynchronously
    const job = await runtime.exec('long', { entryParams: { left: 3000 } });
    await until(async () => (await runtime.getJob(job.jobId))?.status === 'running', 10_000, 'the job running');
    await runtime.pauseJob(job.jobId, 'hold on');
    const paused = await runtime.getJob(job.jobId);
    expect(paused?.status).toBe('paused');
    expect(paused?.pendingTasks.length).toBeGreaterThan(0);
    await runtime.post('long', 'loop', 'in', { left: 2 }, { jobId: job.jobId });
    const resumed = await runtime.resumeJob(job.jobId);
    expect(resumed.status).toBe('completed');
    // the main chain and the posted one each reached the end
    expect(resumed.outputLog.filter((o) => o.outputType === 'done').length).toBe(2);
    await until(() => events.some((e) => e.jobId === job.jobId && e.type === 'job.status' && (e as { status?: string }).status === 'completed'), 5_000, 'the completion event');
    sub.unsubscribe();
  }, 60_000);

  it('cancels a running job; typed errors for unknown and finished jobs', async () => {
    const job = await runtime.exec('long', { entryParams: { left: 1_000_000 } });
    await until(async () => (await runtime.getJob(job.jobId))?.status === 'running', 10_000, 'the job running');
    expect(await runtime.cancelJob(job.jobId, 'enough')).toBe(true);
    expect((await runtime.getJob(job.jobId))?.status).toBe('cancelled');
    expect(await runtime.cancelJob(job.jobId)).toBe(false);
    await expectRejectCode(runtime.pauseJob(job.jobId), 'JOB_FINISHED');
    await expectRejectCode(runtime.pauseJob('no-such-job'), 'INVALID_ARGUMENT');
    await expectRejectCode(runtime.exec('no-such-flow'), 'UNKNOWN_FLOW');
    await expectRejectCode(runtime.exec('stages', { entryRoutineId: 's3' }), 'MISSING_TRIGGER_SLOT');
  }, 60_000);

  it('is fair: small jobs placed after a large one finish while it still runs', async () => {
    const large = await runtime.exec('long', { entryParams: { left: 1_000_000 } });
    const small = await Promise.all(Array.from({ length: 20 }, (_, i) => runtime.exec('stages', { entryParams: { msg: `s${i}` } })));
    await until(async () => (await Promise.all(small.map((j) => runtime.getJob(j.jobId)))).every((j) => j?.status === 'completed'), 30_000, 'the small jobs completed');
    expect((await runtime.getJob(large.jobId))?.status).toBe('running');
    expect(await runtime.cancelJob(large.jobId)).toBe(true);
  }, 60_000);
});
