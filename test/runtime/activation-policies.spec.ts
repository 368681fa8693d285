import { afterEach, describe, expect, it } from 'vitest';
import {
  ErrorHandler,
  Flow,
  FlowRegistry,
  Runtime,
  allSlotsReadyPolicy,
  batchSizePolicy,
  breakpointPolicy,
  customPolicy,
  immediatePolicy,
  timeIntervalPolicy,
  type ActivationPolicy,
  type JobState,
} from '../../src/index.js';
import * as fixtures from '../fixtures/routines.js';
import { Gate } from '../helpers/gate.js';
import { ManualClock, flushAsync } from '../helpers/manual-clock.js';
import { Holder, Recorder, expectCode } from './support.js';

const runtimes: Runtime[] = [];

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.shutdown({ drainTimeout: 0, grace: 0 })));
});

interface Rig {
  readonly runtime: Runtime;
  readonly rec: Recorder;
  readonly gate: Gate;
  readonly flow: Flow;
  /** Starts a job held open by the gate. */
  job(): JobState;
  post(job: JobState, slot: string, data: Record<string, unknown>): void;
}

/** A flow with a gate-held entry routine ('hold') and a logic routine ('rec') fed by runtime.post. */
function rig(slots: readonly string[], policy?: ActivationPolicy, clock?: ManualClock, options: { maxQueueLength?: number } = {}): Rig {
  const registry = new FlowRegistry();
  const runtime = new Runtime({ concurrency: 4, registry });
  runtimes.push(runtime);
  const gate = new Gate();
  const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 4, ...(clock !== undefined ? { clock } : {}) });
  const rec = new Recorder(slots, policy, options.maxQueueLength !== undefined ? { maxQueueLength: options.maxQueueLength } : {});
  flow.addRoutine(new Holder(gate), 'hold');
  flow.addRoutine(rec, 'rec');
  registry.registerByName('f', flow);
  return {
    runtime,
    rec,
    gate,
    flow,
    job: () => runtime.exec('f'),
    post: (job, slot, data) => void runtime.post('f', 'rec', slot, data, { jobId: job.jobId }),
  };
}

async function finish(r: Rig, job: JobState): Promise<void> {
  r.gate.open();
  await r.runtime.waitUntilAllJobsFinished();
  expect(job.status).toBe('completed');
}

describe('immediatePolicy', () => {
  it('is the default: any data activates and consumes everything queued in every slot', async () => {
    const r = rig(['a', 'b']);
    const job = r.job();
    r.post(job, 'a', { v: 1 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([{ a: [{ v: 1 }], b: [] }]);
    expect(r.rec.calls[0]!.message).toEqual({ reason: 'immediate' });
    r.post(job, 'a', { v: 2 });
    r.post(job, 'b', { w: 1 });
    r.post(job, 'b', { w: 2 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([
      { a: [{ v: 1 }], b: [] },
      { a: [{ v: 2 }], b: [{ w: 1 }, { w: 2 }] },
    ]);
    await finish(r, job);
    expect(job.slotQueues).toEqual({});
  });

  it('behaves the same when set explicitly', async () => {
    const r = rig(['in'], immediatePolicy());
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    r.post(job, 'in', { n: 2 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([{ in: [{ n: 1 }, { n: 2 }] }]);
    await finish(r, job);
  });
});

describe('batchSizePolicy', () => {
  it('activates only when every slot has n, consumes exactly n from each, and leaves the rest queued', async () => {
    const r = rig(['a', 'b'], batchSizePolicy(2));
    const job = r.job();
    r.post(job, 'a', { a: 1 });
    r.post(job, 'b', { b: 1 });
    await flushAsync(3);
    r.post(job, 'a', { a: 2 });
    await flushAsync(3);
    expect(r.rec.calls).toHaveLength(0); // a has 2, b has 1
    r.post(job, 'b', { b: 2 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([{ a: [{ a: 1 }, { a: 2 }], b: [{ b: 1 }, { b: 2 }] }]);
    expect(r.rec.calls[0]!.message).toEqual({ reason: 'batch_ready', batchSize: 2 });
    for (let i = 3; i <= 7; i++) r.post(job, 'a', { a: i });
    for (let i = 3; i <= 5; i++) r.post(job, 'b', { b: i });
    await flushAsync(5);
    // a: 3..7 (5 items), b: 3..5 (3 items) → exactly one more batch of 2 each
    expect(r.rec.of(job.jobId).slice(1)).toEqual([{ a: [{ a: 3 }, { a: 4 }], b: [{ b: 3 }, { b: 4 }] }]);
    await finish(r, job);
    expect(job.slotQueues).toEqual({ rec: { a: [{ a: 5 }, { a: 6 }, { a: 7 }], b: [{ b: 5 }] } });
    expect(job.getSlotQueue('rec', 'b')).toEqual([{ b: 5 }]);
    expect(job.getSlotQueue('rec', 'nope')).toEqual([]);
  });

  it('runs several batches back to back when enough data is queued at once', async () => {
    const r = rig(['in'], batchSizePolicy(3));
    const job = r.job();
    for (let i = 1; i <= 10; i++) r.post(job, 'in', { i });
    await finish(r, job);
    expect(r.rec.of(job.jobId).map((c) => (c['in'] as { i: number }[]).map((p) => p.i))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(job.getSlotQueue('rec', 'in')).toEqual([{ i: 10 }]);
  });

  it('does not keep a job running for an incomplete batch: the job completes with the leftovers in its state', async () => {
    const registry = new FlowRegistry();
    const runtime = new Runtime({ registry });
    runtimes.push(runtime);
    const flow = new Flow();
    const rec = new Recorder(['in'], batchSizePolicy(5));
    flow.addRoutine(rec, 'rec');
    registry.registerByName('f', flow);
    const job = runtime.post('f', 'rec', 'in', { x: 1 });
    runtime.post('f', 'rec', 'in', { x: 2 }, { jobId: job.jobId });
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(job.status).toBe('completed');
    expect(rec.calls).toHaveLength(0);
    expect(job.getSlotQueue('rec', 'in')).toEqual([{ x: 1 }, { x: 2 }]);
  });
});

describe('allSlotsReadyPolicy', () => {
  it('waits for every slot and consumes exactly one payload from each', async () => {
    const r = rig(['left', 'right'], allSlotsReadyPolicy());
    const job = r.job();
    r.post(job, 'left', { l: 1 });
    r.post(job, 'left', { l: 2 });
    await flushAsync(3);
    expect(r.rec.calls).toHaveLength(0);
    r.post(job, 'right', { r: 1 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([{ left: [{ l: 1 }], right: [{ r: 1 }] }]);
    expect(r.rec.calls[0]!.message).toEqual({ reason: 'all_slots_ready' });
    r.post(job, 'right', { r: 2 });
    r.post(job, 'right', { r: 3 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId).slice(1)).toEqual([{ left: [{ l: 2 }], right: [{ r: 2 }] }]);
    await finish(r, job);
    expect(job.slotQueues).toEqual({ rec: { right: [{ r: 3 }] } });
  });
});

describe('timeIntervalPolicy', () => {
  it('activates on the first data at once, then at most once per interval with everything queued, on the flow clock', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const r = rig(['in'], timeIntervalPolicy(100), clock);
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([{ in: [{ n: 1 }] }]);
    expect(r.rec.calls[0]!.message).toEqual({ reason: 'time_interval_met', interval: 100, lastActivation: null });
    r.post(job, 'in', { n: 2 });
    await clock.advance(60);
    r.post(job, 'in', { n: 3 });
    await clock.advance(39);
    expect(r.rec.calls).toHaveLength(1);
    await clock.advance(1);
    expect(r.rec.of(job.jobId)).toEqual([{ in: [{ n: 1 }] }, { in: [{ n: 2 }, { n: 3 }] }]);
    expect(r.rec.calls[1]!.message).toEqual({ reason: 'time_interval_met', interval: 100, lastActivation: t0 });
    await finish(r, job);
  });

  it('keeps the job running while data waits for the interval, then completes', async () => {
    const clock = new ManualClock();
    const r = rig(['in'], timeIntervalPolicy(50), clock);
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    await flushAsync(3);
    r.post(job, 'in', { n: 2 });
    r.gate.open();
    await flushAsync(3);
    expect(job.status).toBe('running');
    await clock.advance(50);
    expect(job.status).toBe('completed');
    expect(r.rec.of(job.jobId)).toEqual([{ in: [{ n: 1 }] }, { in: [{ n: 2 }] }]);
  });

  it('keeps its last-activation time per job and per routine', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    const runtime = new Runtime({ registry });
    runtimes.push(runtime);
    const gate = new Gate();
    const flow = new Flow({ clock, executionStrategy: 'concurrent' });
    const policy = timeIntervalPolicy(1000); // one policy object shared by two routines
    const r1 = new Recorder(['in'], policy);
    const r2 = new Recorder(['in'], policy);
    flow.addRoutine(new Holder(gate), 'hold');
    flow.addRoutine(r1, 'r1');
    flow.addRoutine(r2, 'r2');
    registry.registerByName('f', flow);
    const a = runtime.exec('f');
    const b = runtime.exec('f');
    runtime.post('f', 'r1', 'in', { job: 'a' }, { jobId: a.jobId });
    await flushAsync(3);
    runtime.post('f', 'r1', 'in', { job: 'b' }, { jobId: b.jobId });
    runtime.post('f', 'r2', 'in', { job: 'a' }, { jobId: a.jobId });
    await flushAsync(3);
    // none of these is throttled by another job's or another routine's activation
    expect(r1.of(a.jobId)).toEqual([{ in: [{ job: 'a' }] }]);
    expect(r1.of(b.jobId)).toEqual([{ in: [{ job: 'b' }] }]);
    expect(r2.of(a.jobId)).toEqual([{ in: [{ job: 'a' }] }]);
    gate.open();
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
  });
});

describe('customPolicy', () => {
  it('asks the check with a read-only copy of the queues and the job; true consumes everything', async () => {
    const seen: number[] = [];
    let sawJob: JobState | undefined;
    const r = rig(
      ['in'],
      customPolicy((slots, jobState) => {
        sawJob = jobState;
        seen.push(slots['in']!.length);
        expect(Object.isFrozen(slots['in'])).toBe(true);
        return slots['in']!.length >= 3;
      }),
    );
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    await flushAsync(3);
    r.post(job, 'in', { n: 2 });
    await flushAsync(3);
    expect(r.rec.calls).toHaveLength(0);
    r.post(job, 'in', { n: 3 });
    r.post(job, 'in', { n: 4 });
    await flushAsync(3);
    expect(seen).toEqual([1, 2, 4]);
    expect(sawJob).toBe(job);
    expect(r.rec.of(job.jobId)).toEqual([{ in: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] }]);
    expect(r.rec.calls[0]!.message).toEqual({ reason: 'custom' });
    await finish(r, job);
  });

  it('a throwing check fails through the routine error strategy (STOP fails the job)', async () => {
    const r = rig(
      ['in'],
      customPolicy(() => {
        throw Object.assign(new Error('bad check'), { code: 'CHECK_BROKEN' });
      }),
    );
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    await r.runtime.waitUntilAllJobsFinished();
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'CHECK_BROKEN', routineId: 'rec' });
  });

  it('a non-boolean verdict is an INVALID_ARGUMENT failure; CONTINUE lets the job go on', async () => {
    const r = rig(['in'], customPolicy((() => 'yes') as never));
    r.rec.setAsOptional('continue');
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    await finish(r, job);
    expect(job.getRoutineState('rec')).toMatchObject({ status: 'error_continued', error: { code: 'INVALID_ARGUMENT' } });
    expect(job.getExecutionHistory('rec').some((h) => h.eventName === 'error')).toBe(true);
  });
});

describe('breakpointPolicy', () => {
  it('never runs the logic and moves arriving data into jobState.debugData', async () => {
    const r = rig(['a', 'b'], breakpointPolicy());
    const job = r.job();
    r.post(job, 'a', { n: 1 });
    r.post(job, 'b', { m: 1 });
    await flushAsync(3);
    r.post(job, 'a', { n: 2 });
    await finish(r, job);
    expect(r.rec.calls).toHaveLength(0);
    expect(job.debugData).toEqual({ rec: [{ a: [{ n: 1 }], b: [{ m: 1 }] }, { a: [{ n: 2 }], b: [] }] });
    expect(job.slotQueues).toEqual({});
  });
});

describe('per-job policy overrides', () => {
  it('jobState.setRoutineActivationPolicy wins for that job only', async () => {
    const r = rig(['in'], batchSizePolicy(3));
    const a = r.job();
    const b = r.job();
    a.setRoutineActivationPolicy('rec', immediatePolicy());
    expect(a.getRoutineActivationPolicy('rec')?.type).toBe('immediate');
    r.post(a, 'in', { n: 1 });
    r.post(b, 'in', { n: 1 });
    await flushAsync(3);
    expect(r.rec.of(a.jobId)).toEqual([{ in: [{ n: 1 }] }]);
    expect(r.rec.of(b.jobId)).toEqual([]);
    await finish(r, a);
    expect(b.getSlotQueue('rec', 'in')).toEqual([{ n: 1 }]);
  });

  it('re-evaluates data already waiting when an override is set on a running job', async () => {
    const r = rig(['in'], batchSizePolicy(3));
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    r.post(job, 'in', { n: 2 });
    await flushAsync(3);
    expect(r.rec.calls).toHaveLength(0);
    job.setRoutineActivationPolicy('rec', batchSizePolicy(2));
    await flushAsync(3);
    expect(r.rec.of(job.jobId)).toEqual([{ in: [{ n: 1 }, { n: 2 }] }]);
    expect(job.removeRoutineActivationPolicy('rec')).toBe(true);
    expect(job.removeRoutineActivationPolicy('rec')).toBe(false);
    await finish(r, job);
  });

  it('applies an override set on a pending JobState before exec', async () => {
    const r = rig(['in'], batchSizePolicy(3));
    const { JobState: JobStateClass } = await import('../../src/index.js');
    const prepared = new JobStateClass(r.flow.flowId);
    prepared.setRoutineActivationPolicy('rec', breakpointPolicy());
    const job = r.runtime.exec('f', { jobState: prepared });
    expect(job).toBe(prepared);
    r.post(job, 'in', { n: 1 });
    await finish(r, job);
    expect(job.debugData).toEqual({ rec: [{ in: [{ n: 1 }] }] });
  });

  it('rejects bad overrides with typed errors', () => {
    const r = rig(['in']);
    const job = r.job();
    expectCode(() => job.setRoutineActivationPolicy('rec', { type: 'immediate' } as never), 'INVALID_ARGUMENT');
    expectCode(() => job.setRoutineActivationPolicy('', immediatePolicy()), 'INVALID_ARGUMENT');
    expectCode(() => job.setRoutineActivationPolicy('ghost', immediatePolicy()), 'UNKNOWN_ROUTINE');
    expectCode(() => job.setRoutineActivationPolicy('hold', immediatePolicy()), 'INVALID_ARGUMENT'); // not a logic routine
    expect(job.getRoutineActivationPolicy('hold')).toBeUndefined();
    r.gate.open();
  });
});

describe('policy arguments', () => {
  it('invalid arguments are INVALID_ARGUMENT', () => {
    for (const n of [0, -1, 1.5, Number.NaN, Infinity, '2']) expectCode(() => batchSizePolicy(n as number), 'INVALID_ARGUMENT');
    for (const ms of [0, -5, Infinity, Number.NaN, '10']) expectCode(() => timeIntervalPolicy(ms as number), 'INVALID_ARGUMENT');
    expectCode(() => customPolicy('always' as never), 'INVALID_ARGUMENT');
    const rec = new Recorder(['in']);
    expectCode(() => rec.setActivationPolicy({ decide: () => true } as never), 'INVALID_ARGUMENT');
    expectCode(() => rec.setLogic(42 as never), 'INVALID_ARGUMENT');
  });

  it('describes itself as { type, config } and round-trips through JSON', async () => {
    const { activationPolicyFromJSON, FunctionRegistry } = await import('../../src/index.js');
    expect(batchSizePolicy(4).toJSON()).toEqual({ type: 'batch_size', config: { batchSize: 4 } });
    expect(timeIntervalPolicy(250).toJSON()).toEqual({ type: 'time_interval', config: { interval: 250 } });
    for (const p of [immediatePolicy(), allSlotsReadyPolicy(), breakpointPolicy(), batchSizePolicy(7), timeIntervalPolicy(9)]) {
      const back = activationPolicyFromJSON(JSON.parse(JSON.stringify(p)));
      expect(back.toJSON()).toEqual(p.toJSON());
    }
    const check = (): boolean => true;
    expectCode(() => customPolicy(check).toJSON(), 'UNSERIALIZABLE_FUNCTION');
    FunctionRegistry.register('test.runtime.alwaysTrue', check);
    try {
      const json = customPolicy(check).toJSON();
      expect(json).toEqual({ type: 'custom', config: { check: 'test.runtime.alwaysTrue' } });
      expect(activationPolicyFromJSON(json).check).toBe(check);
    } finally {
      FunctionRegistry.unregister('test.runtime.alwaysTrue');
    }
    expectCode(() => activationPolicyFromJSON({ type: 'custom', config: { check: 'test.runtime.missing' } }), 'UNKNOWN_FUNCTION');
    expectCode(() => activationPolicyFromJSON({ type: 'sometimes', config: {} }), 'INVALID_FORMAT');
    expectCode(() => activationPolicyFromJSON({ type: 'batch_size', config: { batchSize: 0 } }), 'INVALID_ARGUMENT');
  });

  it('a routine with a policy but no logic is a definition error when a job starts', async () => {
    const registry = new FlowRegistry();
    const runtime = new Runtime({ registry });
    runtimes.push(runtime);
    const flow = new Flow();
    const routine = new Holder(new Gate());
    routine.setActivationPolicy(batchSizePolicy(2));
    flow.addRoutine(routine, 'hold');
    registry.registerByName('f', flow);
    expectCode(() => runtime.exec('f'), 'INVALID_DEFINITION');
    await expect(flow.execute('hold')).rejects.toMatchObject({ code: 'INVALID_DEFINITION' });
  });
});

describe('slot queue bounds', () => {
  it('post into a full queue throws QUEUE_FULL and delivers nothing', async () => {
    const r = rig(['in'], batchSizePolicy(10), undefined, { maxQueueLength: 2 });
    const job = r.job();
    r.post(job, 'in', { n: 1 });
    r.post(job, 'in', { n: 2 });
    expectCode(() => r.post(job, 'in', { n: 3 }), 'QUEUE_FULL');
    await finish(r, job);
    expect(job.getSlotQueue('rec', 'in')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  function overflowFlow(configure: (rec: Recorder) => void): { flow: Flow; rec: Recorder } {
    const flow = new Flow();
    const rec = new Recorder(['in'], batchSizePolicy(10), { maxQueueLength: 2 });
    configure(rec);
    const { FnRoutine } = fixtures;
    const src = new FnRoutine(
      {
        trigger() {
          for (let i = 1; i <= 3; i++) this.emit('out', { i });
        },
      },
      ['out'],
    );
    flow.addRoutine(src, 'src');
    flow.addRoutine(rec, 'rec');
    flow.connect('src', 'out', 'rec', 'in');
    return { flow, rec };
  }

  it('an emit past maxQueueLength fails the job with QUEUE_FULL under STOP (never a silent drop)', async () => {
    const { flow } = overflowFlow(() => undefined);
    const job = await flow.execute('src');
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'QUEUE_FULL', routineId: 'rec' });
  });

  it('under CONTINUE the overflow is recorded as an error of the target routine and the job goes on', async () => {
    const { flow } = overflowFlow((rec) => rec.setAsOptional('continue'));
    const job = await flow.execute('src');
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('rec')).toMatchObject({ status: 'error_continued', error: { code: 'QUEUE_FULL' } });
    const errors = job.getExecutionHistory('rec').filter((h) => h.eventName === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.data).toMatchObject({ slot: 'in', code: 'QUEUE_FULL' });
    expect(job.getSlotQueue('rec', 'in')).toEqual([{ i: 1 }, { i: 2 }]);
  });
});

describe('logic activations', () => {
  it('run with an ExecutionContext (slotName ""), can emit downstream, and work under flow.execute', async () => {
    const got: Record<string, unknown>[] = [];
    const contexts: { slotName: string; routineId: string; attempt: number }[] = [];
    const flow = new Flow();
    const { FnRoutine } = fixtures;
    const summer = new Recorder(['trigger'], undefined, {}, (self, slotData) => {
      const ctx = self.getExecutionContext()!;
      contexts.push({ slotName: ctx.slotName, routineId: ctx.routineId, attempt: ctx.attempt });
      self.emit('out', { total: (slotData['trigger'] as { n: number }[]).reduce((s, p) => s + p.n, 0) });
    });
    flow.addRoutine(summer, 'sum');
    flow.addRoutine(new FnRoutine({ in: (d) => void got.push(d) }), 'sink');
    flow.connect('sum', 'out', 'sink', 'in');
    const job = await flow.execute('sum', { n: 5 });
    expect(job.status).toBe('completed');
    expect(got).toEqual([{ total: 5 }]);
    expect(contexts).toEqual([{ slotName: '', routineId: 'sum', attempt: 1 }]);
    expect(job.getRoutineState('sum')).toMatchObject({ status: 'completed', executions: 1 });
  });

  it('a failing logic is retried with the same consumed data (RETRY), on the flow clock', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock });
    let failures = 1;
    const rec = new Recorder(['trigger'], undefined, {}, () => {
      if (failures-- > 0) throw new Error('transient');
    });
    rec.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 30, retryBackoff: 1 }));
    flow.addRoutine(rec, 'rec');
    const done = flow.execute('rec', { n: 1 });
    await flushAsync(3);
    expect(rec.calls).toHaveLength(1);
    await clock.advance(30);
    const job = await done;
    expect(job.status).toBe('completed');
    expect(rec.calls.map((c) => c.slotData)).toEqual([{ trigger: [{ n: 1 }] }, { trigger: [{ n: 1 }] }]);
    expect(job.getRoutineState('rec')).toMatchObject({ status: 'completed', retryCount: 1, executions: 1 });
  });

  it('handles every queued payload exactly once across pause and resume', async () => {
    const r = rig(['in']);
    const job = r.job();
    for (let i = 1; i <= 4; i++) r.post(job, 'in', { i });
    await r.runtime.pauseJob(job.jobId, 'hold on');
    expect(job.status).toBe('paused');
    expect(r.rec.calls).toHaveLength(0);
    expect(job.getSlotQueue('rec', 'in')).toHaveLength(4);
    r.post(job, 'in', { i: 5 }); // kept as pending work while paused
    const resumed = r.runtime.resumeJob(job.jobId);
    await flushAsync(3);
    r.gate.open();
    await resumed;
    expect(job.status).toBe('completed');
    const seen = r.rec.calls.flatMap((c) => (c.slotData['in'] as { i: number }[]).map((p) => p.i)).sort();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});

