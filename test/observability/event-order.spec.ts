import { config } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorHandler, ErrorStrategy, Flow, FlowRegistry, JobState, RoutineBase, Runtime, type RoutiluxEvent } from '../../src/index.js';

const brief = (e: RoutiluxEvent): string => {
  switch (e.type) {
    case 'activation.started': return `start ${e.routineId}#${e.attempt}`;
    case 'activation.finished': return `end ${e.routineId}#${e.attempt} ${e.outcome}${e.error ? ' ' + e.error.code : ''}`;
    case 'event.emitted': return `emit ${e.routineId}.${e.event} ${e.targets}`;
    case 'output': return `output ${e.routineId} ${e.outputType}`;
    case 'job.status': return `status ${e.status}`;
    case 'breakpoint.hit': return `hit ${e.breakpointId} ${e.routineId}`;
    default: return e.type;
  }
};

/** Checks what every job's stream must hold: one job id, plain JSON, `at` never decreasing. */
function expectWellFormed(events: readonly RoutiluxEvent[], jobId: string): void {
  let last = 0;
  for (const e of events) {
    expect(e.jobId).toBe(jobId);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    const at = Date.parse(e.at);
    expect(at).toBeGreaterThanOrEqual(last);
    last = at;
  }
}

class Src extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out', ['v']);
    this.defineSlot('trigger', () => this.emit('out', { v: 1 }));
  }
}

/** Fails its first `failures` attempts, then outputs. */
class Flaky extends RoutineBase {
  calls = 0;
  constructor(private readonly failures: number) {
    super();
    this.defineSlot('in', () => {
      if (++this.calls <= this.failures) throw new Error(`attempt ${this.calls} fails`);
      this.sendOutput('done', { calls: this.calls });
    });
    this.setErrorHandler(new ErrorHandler({ strategy: ErrorStrategy.RETRY, maxRetries: 3, retryDelay: 1 }));
  }
}

/** Waits for `gate` before emitting. */
class Gated extends RoutineBase {
  constructor(private readonly gate: Promise<void>) {
    super();
    this.defineEvent('out', ['v']);
    this.defineSlot('in', async (d: { v: number }) => {
      await this.gate;
      this.emit('out', { v: d.v + 1 });
    });
  }
}

class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (d: { v: number }) => this.sendOutput('sink', d));
  }
}

const saved = config.onUnhandledError;
afterEach(() => {
  config.onUnhandledError = saved;
});

describe('event order', () => {
  it('a retry: each attempt is its own activation, the failed one finishing as retrying with its code', async () => {
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Flaky(2), 'flaky');
    flow.connect('src', 'out', 'flaky', 'in');
    const seen: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => seen.push(e));
    const job = await flow.execute('src', {});
    sub.unsubscribe();
    expect(job.status).toBe('completed');
    expect(seen.map(brief)).toEqual([
      'job.started', 'start src#1', 'emit src.out 1', 'end src#1 completed',
      'start flaky#1', 'end flaky#1 retrying ROUTINE_FAILED',
      'start flaky#2', 'end flaky#2 retrying ROUTINE_FAILED',
      'start flaky#3', 'output flaky done', 'end flaky#3 completed',
      'status completed',
    ]);
    const attempts = seen.filter((e) => e.type === 'activation.started' && e.routineId === 'flaky');
    expect(new Set(attempts.map((e) => (e.type === 'activation.started' ? e.taskId : '')))).toHaveProperty('size', 1); // a retry keeps its task id
    expectWellFormed(seen, job.jobId);
  });

  it('a pause and a resume: paused after the running activation ends, running again before the pending work', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Gated(gate), 'gated');
    flow.addRoutine(new Sink(), 'sink');
    flow.connect('src', 'out', 'gated', 'in');
    flow.connect('gated', 'out', 'sink', 'in');
    const seen: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => seen.push(e));
    const job = flow.start('src', {});
    await new Promise((r) => setTimeout(r, 5));
    const paused = flow.pause(job, 'look');
    open();
    await paused;
    expect(job.status).toBe('paused');
    expect(seen.map(brief)).toEqual([
      'job.started', 'start src#1', 'emit src.out 1', 'end src#1 completed',
      'start gated#1', 'status paused', 'emit gated.out 1', 'end gated#1 completed',
    ]);
    const mark = seen.length;
    await flow.resume(job);
    sub.unsubscribe();
    expect(seen.slice(mark).map(brief)).toEqual(['status running', 'start sink#1', 'output sink sink', 'end sink#1 completed', 'status completed']);
    expectWellFormed(seen, job.jobId);
  });

  it('jobs of a Runtime: runtime.events$ and flow.events$ carry the same events, a failure included', async () => {
    const registry = new FlowRegistry();
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    const flaky = new Flaky(5);
    flaky.setErrorHandler(new ErrorHandler({ strategy: ErrorStrategy.STOP }));
    flow.addRoutine(flaky, 'flaky');
    flow.connect('src', 'out', 'flaky', 'in');
    registry.registerByName('f', flow);
    const runtime = new Runtime({ registry });
    const fromRuntime: RoutiluxEvent[] = [];
    const fromFlow: RoutiluxEvent[] = [];
    const a = runtime.events$.subscribe((e) => fromRuntime.push(e));
    const b = flow.events$.subscribe((e) => fromFlow.push(e));
    try {
      const job = runtime.exec('f', {});
      await runtime.waitUntilAllJobsFinished();
      expect(job.status).toBe('failed');
      expect(fromRuntime.map(brief)).toEqual(['job.started', 'start src#1', 'emit src.out 1', 'end src#1 completed', 'start flaky#1', 'end flaky#1 failed ROUTINE_FAILED', 'status failed']);
      expect(fromRuntime.at(-1)).toMatchObject({ type: 'job.status', status: 'failed', error: { code: 'ROUTINE_FAILED' } });
      expect(fromFlow).toEqual(fromRuntime);
      expectWellFormed(fromRuntime, job.jobId);
    } finally {
      a.unsubscribe();
      b.unsubscribe();
      await runtime.shutdown();
    }
  });

  it('a subscriber that throws never affects the job; RxJS reports its error to config.onUnhandledError', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Sink(), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    const others: string[] = [];
    const bad = flow.events$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    const good = flow.events$.subscribe((e) => others.push(brief(e)));
    const job = await flow.execute('src', {});
    bad.unsubscribe();
    good.unsubscribe();
    expect(job.status).toBe('completed');
    expect(job.outputLog).toHaveLength(1);
    expect(others.at(-1)).toBe('status completed');
    await new Promise((r) => setTimeout(r, 10)); // RxJS reports on a timeout
    expect(reported.length).toBeGreaterThan(0);
    expect((reported[0] as Error).message).toBe('subscriber bug');
  });

  it('job.started once for a deserialized job resumed in a new flow (no job.status running before it)', async () => {
    const build = (gate: Promise<void>): Flow => {
      const flow = new Flow({ flowId: 'moving' });
      flow.addRoutine(new Src(), 'src');
      flow.addRoutine(new Gated(gate), 'gated');
      flow.addRoutine(new Sink(), 'sink');
      flow.connect('src', 'out', 'gated', 'in');
      flow.connect('gated', 'out', 'sink', 'in');
      return flow;
    };
    let open!: () => void;
    const first = build(new Promise<void>((r) => (open = r)));
    const job = first.start('src', {});
    await new Promise((r) => setTimeout(r, 5));
    const paused = first.pause(job);
    open();
    await paused;
    const doc = JSON.parse(JSON.stringify(job.serialize()));
    const second = build(Promise.resolve());
    const seen: RoutiluxEvent[] = [];
    const sub = second.events$.subscribe((e) => seen.push(e));
    const restored = JobState.deserialize(doc);
    await second.resume(restored);
    expect(restored.status).toBe('completed');
    expect(seen.map(brief)).toEqual(['job.started', 'start sink#1', 'output sink sink', 'end sink#1 completed', 'status completed']);
    // paused again and resumed in the same flow: a status change, not a new start
    const again = second.start('src', {});
    await second.pause(again);
    const mark = seen.length;
    await second.resume(again);
    sub.unsubscribe();
    expect(seen.slice(mark).filter((e) => e.jobId === again.jobId).map(brief)[0]).toBe('status running');
  });

  it('a deferred event: event.emitted goes out when it is emitted on resume, before its targets run', async () => {
    class Defer extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('later', ['v']);
        this.defineSlot('trigger', () => {
          this.emitDeferredEvent('later', { v: 7 });
          void this.getExecutionContext()!.flow.pause(this.getExecutionContext()!.jobState, 'wait for later');
        });
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Defer(), 'defer');
    flow.addRoutine(new Sink(), 'sink');
    flow.connect('defer', 'later', 'sink', 'in');
    const seen: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => seen.push(e));
    const job = await flow.execute('defer', {});
    expect(job.status).toBe('paused');
    expect(seen.map(brief)).toEqual(['job.started', 'start defer#1', 'status paused', 'end defer#1 completed']);
    const mark = seen.length;
    await flow.resume(job);
    sub.unsubscribe();
    expect(seen.slice(mark).map(brief)).toEqual(['status running', 'emit defer.later 1', 'start sink#1', 'output sink sink', 'end sink#1 completed', 'status completed']);
    expect(job.outputLog[0]!.data).toEqual({ v: 7 });
  });

  it('event.emitted names the emitting activation and the task ids of its deliveries (a fan-out too)', async () => {
    class Fan extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out', ['v']);
        this.defineSlot('trigger', () => this.emit('out', { v: 1 }));
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Fan(), 'fan');
    flow.addRoutine(new Sink(), 'a');
    flow.addRoutine(new Sink(), 'b');
    flow.connect('fan', 'out', 'a', 'in');
    flow.connect('fan', 'out', 'b', 'in');
    const seen: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => seen.push(e));
    await flow.execute('fan', {});
    sub.unsubscribe();
    const starts = seen.filter((e) => e.type === 'activation.started');
    const emitted = seen.find((e) => e.type === 'event.emitted');
    expect(emitted).toMatchObject({ routineId: 'fan', targets: 2, taskId: starts[0]!.type === 'activation.started' ? starts[0]!.taskId : '' });
    expect(emitted!.type === 'event.emitted' ? emitted!.taskIds : []).toEqual(starts.slice(1).map((e) => (e.type === 'activation.started' ? e.taskId : '')));
  });

  it('a breakpoint: hit, then paused; on resume the activation runs without a second hit', async () => {
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Sink(), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    const seen: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => seen.push(e));
    const job = await flow.execute('src', {}, { breakpoints: [{ routineId: 'sink' }] });
    await flow.resume(job);
    sub.unsubscribe();
    expect(seen.map(brief)).toEqual([
      'job.started', 'start src#1', 'emit src.out 1', 'end src#1 completed',
      'hit bp1 sink', 'status paused',
      'status running', 'start sink#1', 'output sink sink', 'end sink#1 completed', 'status completed',
    ]);
    expectWellFormed(seen, job.jobId);
  });
});
