import { afterEach, describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, JobState, Runtime, batchSizePolicy, type ExecutionContext } from '../../src/index.js';
import { FnRoutine } from '../fixtures/routines.js';
import { Gate } from '../helpers/gate.js';
import { ManualClock, flushAsync } from '../helpers/manual-clock.js';
import { Holder, Recorder, expectCode, expectRejectCode } from './support.js';

const runtimes: Runtime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.shutdown({ drainTimeout: 0, grace: 0 })));
});

function newRuntime(options: { concurrency?: number; clock?: ManualClock; maxFinishedJobs?: number } = {}): { runtime: Runtime; registry: FlowRegistry } {
  const registry = new FlowRegistry();
  const runtime = new Runtime({ registry, ...options });
  runtimes.push(runtime);
  return { runtime, registry };
}

/** src(trigger) → mid(in) → sink(in); the sink appends what it gets to the job's shared `got`. */
function pipeline(flowId?: string): Flow {
  const flow = new Flow(flowId !== undefined ? { flowId } : {});
  flow.addRoutine(new FnRoutine({ trigger: function (d) { this.emit('out', { ...d, src: true }); } }, ['out']), 'src');
  flow.addRoutine(new FnRoutine({ in: function (d) { this.emit('out', { ...d, mid: true }); } }, ['out']), 'mid');
  flow.addRoutine(
    new FnRoutine({
      in: (d, ctx: ExecutionContext) => {
        const got = ctx.jobState.getSharedData<unknown[]>('got', [])!;
        ctx.jobState.updateSharedData('got', [...got, d]);
      },
    }),
    'sink',
  );
  flow.connect('src', 'out', 'mid', 'in');
  flow.connect('mid', 'out', 'sink', 'in');
  return flow;
}

/** A flow whose only entry waits on `gate`. */
function held(gate: Gate): Flow {
  const flow = new Flow();
  flow.addRoutine(new Holder(gate), 'hold');
  return flow;
}

describe('Runtime.exec', () => {
  it('returns the running JobState at once, defaults the entry to the only trigger routine, and completes the job', async () => {
    const { runtime, registry } = newRuntime();
    registry.registerByName('pipe', pipeline());
    const job = runtime.exec('pipe', { entryParams: { n: 1 } });
    expect(job.status).toBe('running');
    expect(job.getSharedData('got')).toBeUndefined(); // nothing ran synchronously
    expect(runtime.getJob(job.jobId)).toBe(job);
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(job.status).toBe('completed');
    expect(job.getSharedData('got')).toEqual([{ n: 1, src: true, mid: true }]);
    expect(job.getExecutionHistory()[0]).toMatchObject({ routineId: 'src', eventName: 'start' });
  });

  it('finds flows by flow id too', async () => {
    const { runtime, registry } = newRuntime();
    const flow = pipeline('pipe-by-id');
    registry.register(flow);
    const job = runtime.exec('pipe-by-id');
    await runtime.waitUntilAllJobsFinished();
    expect(job.status).toBe('completed');
  });

  it('rejects bad input with typed errors', () => {
    const { runtime, registry } = newRuntime();
    registry.registerByName('pipe', pipeline());
    const noEntry = new Flow();
    noEntry.addRoutine(new FnRoutine({ in: () => undefined }), 'only');
    registry.registerByName('no-entry', noEntry);
    const twoEntries = new Flow();
    twoEntries.addRoutine(new FnRoutine({ trigger: () => undefined }), 'a');
    twoEntries.addRoutine(new FnRoutine({ trigger: () => undefined }), 'b');
    registry.registerByName('two', twoEntries);

    expectCode(() => runtime.exec('missing'), 'UNKNOWN_FLOW');
    expectCode(() => runtime.exec('no-entry'), 'MISSING_TRIGGER_SLOT');
    expectCode(() => runtime.exec('two'), 'AMBIGUOUS_ENTRY');
    expectCode(() => runtime.exec('pipe', { entryRoutineId: 'ghost' }), 'UNKNOWN_ROUTINE');
    expectCode(() => runtime.exec('pipe', { entryRoutineId: 'mid' }), 'MISSING_TRIGGER_SLOT');
    expectCode(() => runtime.exec('pipe', { entryParams: [1] as never }), 'INVALID_ARGUMENT');
    expectCode(() => runtime.exec('pipe', { entryParms: {} } as never), 'INVALID_ARGUMENT');
    expectCode(() => runtime.exec('pipe', { jobState: { jobId: 'x' } as never }), 'INVALID_ARGUMENT');
    expectCode(() => runtime.exec('pipe', { timeout: -1 }), 'INVALID_ARGUMENT');
    expect(runtime.listJobs()).toEqual([]); // nothing was started by the failed calls
    const job = runtime.exec('two', { entryRoutineId: 'b' });
    expect(job.getExecutionHistory()[0]).toMatchObject({ routineId: 'b', eventName: 'start' });
  });

  it('validates its options', () => {
    for (const concurrency of [0, -1, 1.5, 'x']) expectCode(() => new Runtime({ concurrency: concurrency as number }), 'INVALID_ARGUMENT');
    expectCode(() => new Runtime({ registry: {} as never }), 'INVALID_ARGUMENT');
    expectCode(() => new Runtime({ nope: 1 } as never), 'INVALID_ARGUMENT');
    expectCode(() => new Runtime(null as never), 'INVALID_ARGUMENT');
  });

  it('continues a paused job given as jobState — also one restored from JSON on another runtime — and refuses finished or foreign jobs', async () => {
    const first = newRuntime();
    const gate = new Gate();
    const flow = new Flow({ flowId: 'resumable' });
    flow.addRoutine(new FnRoutine({ trigger: async function (d) { await gate.wait(); this.emit('out', d); } }, ['out']), 'src');
    flow.addRoutine(new FnRoutine({ in: (d, ctx: ExecutionContext) => ctx.jobState.updateSharedData('got', d) }), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    first.registry.registerByName('r', flow);
    const job = first.runtime.exec('r', { entryParams: { v: 7 } });
    await gate.whenWaiting(1);
    const paused = first.runtime.pauseJob(job.jobId, 'save me');
    gate.open();
    await paused;
    expect(job.status).toBe('paused');
    expect(job.pendingTasks).toHaveLength(1);

    const restored = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    const second = newRuntime();
    second.registry.registerByName('r', flow);
    expectCode(() => second.runtime.exec('r', { jobState: restored, entryParams: {} }), 'INVALID_ARGUMENT');
    const continued = second.runtime.exec('r', { jobState: restored });
    expect(continued).toBe(restored);
    expect(await second.runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(restored.status).toBe('completed');
    expect(restored.getSharedData('got')).toEqual({ v: 7 });

    expectCode(() => second.runtime.exec('r', { jobState: restored }), 'JOB_FINISHED');
    const other = pipeline();
    second.registry.registerByName('other', other);
    expectCode(() => second.runtime.exec('other', { jobState: new JobState(flow.flowId) }), 'FLOW_MISMATCH');
    const running = second.runtime.exec('r', { entryParams: {} });
    expectCode(() => second.runtime.exec('r', { jobState: running }), 'INVALID_STATE');
  });
});

describe('Runtime.post', () => {
  it('without jobId starts a job with no trigger that completes once idle', async () => {
    const { runtime, registry } = newRuntime();
    registry.registerByName('pipe', pipeline());
    const job = runtime.post('pipe', 'mid', 'in', { k: 1 });
    expect(job.status).toBe('running');
    await runtime.waitUntilAllJobsFinished();
    expect(job.status).toBe('completed');
    expect(job.getSharedData('got')).toEqual([{ k: 1, mid: true }]);
    expect(job.getExecutionHistory()[0]).toMatchObject({ routineId: 'mid', eventName: 'post', data: { k: 1 } });
  });

  it('with jobId feeds a running job; a finished one is JOB_FINISHED', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    const flow = pipeline();
    flow.setExecutionStrategy('concurrent', 4); // posts must run while 'hold' awaits its gate
    flow.addRoutine(new Holder(gate), 'hold');
    registry.registerByName('pipe', flow);
    const job = runtime.exec('pipe', { entryRoutineId: 'hold' });
    expect(runtime.post('pipe', 'sink', 'in', { a: 1 }, { jobId: job.jobId })).toBe(job);
    runtime.post('pipe', 'mid', 'in', { b: 2 }, { jobId: job.jobId });
    await flushAsync(3);
    expect(job.getSharedData('got')).toEqual([{ a: 1 }, { b: 2, mid: true }]);
    gate.open();
    await runtime.waitUntilAllJobsFinished();
    expect(job.status).toBe('completed');
    expectCode(() => runtime.post('pipe', 'sink', 'in', { late: true }, { jobId: job.jobId }), 'JOB_FINISHED');
  });

  it('rejects bad input with typed errors', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    registry.registerByName('pipe', pipeline());
    registry.registerByName('held', held(gate));
    const other = runtime.exec('held');
    expectCode(() => runtime.post('nope', 'mid', 'in', {}), 'UNKNOWN_FLOW');
    expectCode(() => runtime.post('pipe', 'ghost', 'in', {}), 'UNKNOWN_ROUTINE');
    expectCode(() => runtime.post('pipe', 'mid', 'nope', {}), 'UNKNOWN_SLOT');
    expectCode(() => runtime.post('pipe', 'mid', 'in', 'text' as never), 'INVALID_ARGUMENT');
    expectCode(() => runtime.post('pipe', 'mid', 'in', {}, { jobId: 'no-such-job' }), 'INVALID_ARGUMENT');
    expectCode(() => runtime.post('pipe', 'mid', 'in', {}, { jobId: other.jobId }), 'FLOW_MISMATCH');
    expectCode(() => runtime.post('pipe', 'mid', 'in', {}, { job: 'x' } as never), 'INVALID_ARGUMENT');
    expect(runtime.listJobs()).toEqual([other]);
    gate.open();
  });
});

describe('job bookkeeping', () => {
  it('getJob and listJobs(status) see every job; an invalid status is INVALID_ARGUMENT', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    registry.registerByName('held', held(gate));
    registry.registerByName('pipe', pipeline());
    const waiting = runtime.exec('held');
    const quick = runtime.exec('pipe');
    await gate.whenWaiting(1);
    await flushAsync(2);
    expect(runtime.listJobs('running')).toEqual([waiting]);
    expect(runtime.listJobs('completed')).toEqual([quick]);
    expect(runtime.listJobs()).toHaveLength(2);
    expect(runtime.getJob('nope')).toBeUndefined();
    expectCode(() => runtime.listJobs('idle' as never), 'INVALID_ARGUMENT');
    gate.open();
  });

  it('forgets the oldest finished jobs beyond maxFinishedJobs', async () => {
    const { runtime, registry } = newRuntime({ maxFinishedJobs: 2 });
    registry.registerByName('pipe', pipeline());
    const jobs = [runtime.exec('pipe'), runtime.exec('pipe'), runtime.exec('pipe')];
    await runtime.waitUntilAllJobsFinished();
    expect(runtime.getJob(jobs[0]!.jobId)).toBeUndefined();
    expect(runtime.listJobs('completed')).toEqual([jobs[1], jobs[2]]);
  });

  it('cancelJob resolves false for unknown or finished jobs and cancels running ones', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    const signals: AbortSignal[] = [];
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: async (_d, ctx) => { signals.push(ctx.signal); await gate.wait(); } }), 'hold');
    registry.registerByName('held', flow);
    registry.registerByName('pipe', pipeline());
    const done = runtime.exec('pipe');
    await runtime.waitUntilAllJobsFinished();
    const job = runtime.exec('held');
    await gate.whenWaiting(1);
    expect(await runtime.cancelJob('unknown')).toBe(false);
    expect(await runtime.cancelJob(done.jobId)).toBe(false);
    const cancelled = runtime.cancelJob(job.jobId, 'enough');
    expect(job.status).toBe('cancelled');
    expect(signals[0]!.aborted).toBe(true);
    gate.open();
    expect(await cancelled).toBe(true);
    expect(job.cancelReason).toBe('enough');
    expect(await runtime.cancelJob(job.jobId)).toBe(false);
  });

  it('pauseJob / resumeJob, and flow.pause / flow.resume / flow.cancel work on runtime jobs', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(new FnRoutine({ trigger: async function (d) { await gate.wait(); for (let i = 0; i < 3; i++) this.emit('out', { i, ...d }); } }, ['out']), 'src');
    flow.addRoutine(new FnRoutine({ in: (d, ctx: ExecutionContext) => ctx.jobState.appendToSharedLog(d) }), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    registry.registerByName('f', flow);

    const a = runtime.exec('f', { entryParams: { job: 'a' } });
    const b = runtime.exec('f', { entryParams: { job: 'b' } });
    const c = runtime.exec('f', { entryParams: { job: 'c' } });
    await gate.whenWaiting(3);
    const pausedA = runtime.pauseJob(a.jobId, 'runtime pause');
    const pausedB = flow.pause(b, 'flow pause');
    const cancelledC = flow.cancel(c);
    expect(c.status).toBe('cancelled');
    gate.open();
    await Promise.all([pausedA, pausedB, cancelledC]);
    expect([a.status, b.status, c.status]).toEqual(['paused', 'paused', 'cancelled']);
    expect(a.pendingTasks).toHaveLength(3);

    await expectRejectCode(runtime.resumeJob(c.jobId), 'JOB_FINISHED');
    await expectRejectCode(runtime.pauseJob('ghost'), 'INVALID_ARGUMENT');
    await expectRejectCode(runtime.pauseJob(c.jobId), 'JOB_FINISHED');

    expect(await runtime.waitUntilAllJobsFinished()).toBe(true); // paused jobs are not running
    expect(await runtime.resumeJob(a.jobId)).toBe(a);
    expect(await flow.resume(b)).toBe(b);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(a.sharedLog.map((e) => e['i'])).toEqual([0, 1, 2]);
    expect(b.sharedLog.map((e) => e['job'])).toEqual(['b', 'b', 'b']);
  });

  it('keeps tracking a runtime job that flow.resume continues after the flow changed', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: async function () { await gate.wait(); this.emit('out', {}); } }, ['out']), 'src');
    flow.addRoutine(new FnRoutine({ in: (_d, ctx: ExecutionContext) => ctx.jobState.updateSharedData('reached', true) }), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    registry.registerByName('f', flow);
    const job = runtime.exec('f');
    await gate.whenWaiting(1);
    const pausing = runtime.pauseJob(job.jobId);
    gate.open();
    await pausing;
    flow.addRoutine(new FnRoutine({ in: () => undefined }), 'extra'); // the plan changes: resume builds a new run
    const resumed = flow.resume(job);
    expect(job.status).toBe('running');
    const waiting = runtime.waitUntilAllJobsFinished();
    expect(await waiting).toBe(true);
    await resumed;
    expect(job.status).toBe('completed');
    expect(job.getSharedData('reached')).toBe(true);
    expect(runtime.listJobs('completed')).toEqual([job]);
  });

  it('waitUntilAllJobsFinished resolves false on timeout (runtime clock) and true once jobs finish', async () => {
    const clock = new ManualClock();
    const { runtime, registry } = newRuntime({ clock });
    const gate = new Gate();
    registry.registerByName('held', held(gate));
    expect(await runtime.waitUntilAllJobsFinished(10)).toBe(true);
    const job = runtime.exec('held');
    const short = runtime.waitUntilAllJobsFinished(100);
    const long = runtime.waitUntilAllJobsFinished();
    await clock.advance(100);
    expect(await short).toBe(false);
    expect(job.status).toBe('running');
    gate.open();
    expect(await long).toBe(true);
    expect(job.status).toBe('completed');
    await expectRejectCode(runtime.waitUntilAllJobsFinished(-1), 'INVALID_ARGUMENT');
  });
});

describe('job isolation', () => {
  it('two jobs of one flow never see each other’s slot data', async () => {
    const { runtime, registry } = newRuntime({ concurrency: 3 });
    const flow = new Flow();
    const rec = new Recorder(['in'], batchSizePolicy(2));
    flow.addRoutine(rec, 'rec');
    registry.registerByName('f', flow);
    const jobs: JobState[] = [];
    for (let j = 0; j < 200; j++) jobs.push(runtime.post('f', 'rec', 'in', { job: j, k: 0 }));
    for (let j = 0; j < 200; j++) runtime.post('f', 'rec', 'in', { job: j, k: 1 }, { jobId: jobs[j]!.jobId });
    const odd = runtime.post('f', 'rec', 'in', { job: 'lonely' });
    await runtime.waitUntilAllJobsFinished();
    expect(rec.calls).toHaveLength(200);
    jobs.forEach((job, j) => {
      expect(job.status).toBe('completed');
      expect(rec.of(job.jobId)).toEqual([{ in: [{ job: j, k: 0 }, { job: j, k: 1 }] }]);
    });
    expect(odd.getSlotQueue('rec', 'in')).toEqual([{ job: 'lonely' }]);
    expect(rec.of(odd.jobId)).toEqual([]);
  });
});

describe('Runtime.shutdown', () => {
  it('with drainTimeout 0 cancels running jobs at once and aborts their handlers; paused jobs stay paused', async () => {
    const { runtime, registry } = newRuntime();
    const gate = new Gate();
    const signals: AbortSignal[] = [];
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: async (_d, ctx) => { signals.push(ctx.signal); await gate.wait(); } }), 'hold');
    registry.registerByName('held', flow);
    const a = runtime.exec('held');
    const b = runtime.exec('held');
    const p = runtime.exec('held');
    await gate.whenWaiting(3);
    const pausing = runtime.pauseJob(p.jobId);
    const stopping = runtime.shutdown({ drainTimeout: 0, grace: 0 });
    expect(runtime.shutdown()).toBe(stopping); // idempotent
    expectCode(() => runtime.exec('held'), 'INVALID_STATE');
    expectCode(() => runtime.post('held', 'hold', 'trigger', {}), 'INVALID_STATE');
    await stopping;
    expect([a.status, b.status]).toEqual(['cancelled', 'cancelled']);
    expect(signals.filter((s) => s.aborted)).toHaveLength(2);
    gate.open();
    await pausing;
    expect(p.status).toBe('paused');
    await expectRejectCode(runtime.resumeJob(p.jobId), 'INVALID_STATE');
  });

  it('drains: running jobs may finish within drainTimeout (runtime clock) and are cancelled after it', async () => {
    const clock = new ManualClock();
    const { runtime, registry } = newRuntime({ clock });
    const fast = new Gate();
    const slow = new Gate();
    registry.registerByName('fast', held(fast));
    registry.registerByName('slow', held(slow));
    const a = runtime.exec('fast');
    const b = runtime.exec('slow');
    await fast.whenWaiting(1);
    await slow.whenWaiting(1);
    const stopping = runtime.shutdown({ drainTimeout: 1000, grace: 0 });
    fast.open();
    await flushAsync(3);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('running');
    await clock.advance(1000);
    await stopping;
    expect(b.status).toBe('cancelled');
    slow.open();
  });

  it('rejects invalid shutdown options', async () => {
    const { runtime } = newRuntime();
    await expectRejectCode(runtime.shutdown({ drainTimeout: -1 }), 'INVALID_ARGUMENT');
    await expectRejectCode(runtime.shutdown({ wait: true } as never), 'INVALID_ARGUMENT');
    expect(runtime.isShutdown).toBe(false);
  });
});
