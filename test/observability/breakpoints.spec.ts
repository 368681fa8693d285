import { describe, expect, it } from 'vitest';
import { ErrorHandler, ErrorStrategy, Flow, FlowRegistry, JobState, MemoryJobStore, RoutineBase, Runtime, type RoutiluxEvent } from '../../src/index.js';

/** src --out--> double --out--> sink; src emits one event per item of `items`. */
function pipeline(seen: number[] = []): Flow {
  class Src extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out', ['n']);
      this.defineSlot('trigger', (d: { items: number[] }) => {
        for (const n of d.items) this.emit('out', { n });
      });
    }
  }
  class Double extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out', ['n']);
      this.defineSlot('in', (d: { n: number }) => this.emit('out', { n: d.n * 2 }));
    }
  }
  class Sink extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', (d: { n: number }) => {
        seen.push(d.n);
      });
    }
  }
  const flow = new Flow({ flowId: 'bp-pipeline' });
  flow.addRoutine(new Src(), 'src');
  flow.addRoutine(new Double(), 'double');
  flow.addRoutine(new Sink(), 'sink');
  flow.connect('src', 'out', 'double', 'in');
  flow.connect('double', 'out', 'sink', 'in');
  return flow;
}

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('breakpoints on a Flow', () => {
  it('pauses before the matching activation only, names the breakpoint, and counts the hit', async () => {
    const seen: number[] = [];
    const flow = pipeline(seen);
    const events: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => events.push(e));
    const job = await flow.execute('src', { items: [1, 2, 3] }, { breakpoints: [{ routineId: 'double', slot: 'in', condition: 'data.n == 2' }] });
    expect(job.status).toBe('paused');
    const point = job.pausePoints.at(-1)!;
    expect(point.reason).toBe('breakpoint');
    const first = job.pendingTasks[0]!;
    expect(point.checkpoint).toEqual({ breakpointId: 'bp1', taskId: first.taskId });
    expect(first).toMatchObject({ routineId: 'double', slotName: 'in', data: { n: 2 } });
    expect(job.breakpoints).toEqual([{ id: 'bp1', routineId: 'double', slot: 'in', condition: 'data.n == 2', hits: 1 }]);
    // double(1) ran and queued sink(2) behind double(3); the job stopped before double(2)
    expect(job.pendingTasks.map((p) => `${p.routineId}:${JSON.stringify(p.data)}`)).toEqual(['double:{"n":2}', 'double:{"n":3}', 'sink:{"n":2}']);
    expect(seen).toEqual([]);
    const hit = events.find((e) => e.type === 'breakpoint.hit');
    expect(hit).toMatchObject({ type: 'breakpoint.hit', breakpointId: 'bp1', routineId: 'double', slot: 'in', taskId: first.taskId });
    const at = events.indexOf(hit!);
    expect(events[at + 1]).toMatchObject({ type: 'job.status', status: 'paused' });
    expect(events.some((e) => e.type === 'activation.started' && e.taskId === first.taskId)).toBe(false);
    await flow.resume(job); // the hit activation runs without hitting again
    sub.unsubscribe();
    expect(job.status).toBe('completed');
    expect(seen).toEqual([2, 4, 6]);
    expect(job.breakpoints[0]!.hits).toBe(1);
    expect(job.pausePoints).toHaveLength(1);
  });

  it('hits again for later matching activations, and step runs exactly one activation', async () => {
    const seen: number[] = [];
    const flow = pipeline(seen);
    const job = await flow.execute('src', { items: [1, 2] }, { breakpoints: [{ routineId: 'double' }] });
    expect(job.status).toBe('paused');
    expect(job.pendingTasks.map((p) => `${p.routineId}:${JSON.stringify(p.data)}`)).toEqual(['double:{"n":1}', 'double:{"n":2}']);
    const taskId = job.pendingTasks[0]!.taskId;
    const stepped = await flow.step(job);
    expect(stepped).toEqual({ taskId });
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)).toMatchObject({ reason: 'step', checkpoint: { taskId } });
    // double(1) ran; its emit to sink waits after double(2)
    expect(job.pendingTasks.map((p) => `${p.routineId}:${JSON.stringify(p.data)}`)).toEqual(['double:{"n":2}', 'sink:{"n":2}']);
    expect(seen).toEqual([]);
    expect(job.getRoutineState('double')?.executions).toBe(1);
    await flow.resume(job); // double(2) matches the breakpoint: it hits again
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)!.reason).toBe('breakpoint');
    expect(job.breakpoints[0]!.hits).toBe(2);
    flow.removeBreakpoint(job, 'bp1');
    expect(flow.listBreakpoints(job)).toEqual([]);
    await flow.resume(job);
    expect(job.status).toBe('completed');
    expect(seen.sort()).toEqual([2, 4]);
  });

  it('completes a paused job with nothing pending on step, resolving { taskId: null }', async () => {
    const flow = pipeline();
    const job = await flow.execute('src', { items: [1] }, { breakpoints: [{ routineId: 'sink' }] });
    expect(job.status).toBe('paused');
    await flow.step(job); // sink runs
    expect(job.status).toBe('paused');
    expect(job.pendingTasks).toEqual([]);
    expect(await flow.step(job)).toEqual({ taskId: null });
    expect(job.status).toBe('completed');
  });

  it('evaluates the condition on the merged input of an append slot', async () => {
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out', ['v']);
        this.defineSlot('trigger', () => {
          this.emit('out', { v: 1 });
          this.emit('out', { v: 2 });
        });
      }
    }
    const got: unknown[] = [];
    class Acc extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', (d: { v: number[] }) => {
          got.push(d.v);
        }, { merge: 'append' });
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Acc(), 'acc');
    flow.connect('src', 'out', 'acc', 'in');
    const job = await flow.execute('src', {}, { breakpoints: [{ routineId: 'acc', condition: 'size(data.v) == 2' }] });
    expect(job.status).toBe('paused');
    expect(got).toEqual([[1]]);
    expect(job.pendingTasks[0]).toMatchObject({ data: { v: [1, 2] }, merged: true });
    await flow.resume(job);
    expect(got).toEqual([[1], [1, 2]]); // merged once
  });

  it('hits again on a retry of a matching activation', async () => {
    let calls = 0;
    class Flaky extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', () => {
          calls++;
          if (calls === 1) throw new Error('first attempt fails');
        });
        this.setErrorHandler(new ErrorHandler({ strategy: ErrorStrategy.RETRY, maxRetries: 2, retryDelay: 0 }));
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Flaky(), 'flaky');
    const job = await flow.execute('flaky', {}, { breakpoints: [{ routineId: 'flaky' }] });
    expect(job.status).toBe('paused');
    expect(calls).toBe(0);
    await flow.resume(job); // attempt 1 runs (it hit already), fails; attempt 2 hits
    expect(job.status).toBe('paused');
    expect(calls).toBe(1);
    expect(job.pendingTasks[0]).toMatchObject({ attempt: 2 });
    expect(job.breakpoints[0]!.hits).toBe(2);
    await flow.resume(job);
    expect(job.status).toBe('completed');
    expect(calls).toBe(2);
  });

  it('survives serialize → a new flow → resume, breakpoints and hits included', async () => {
    const flow = pipeline();
    const job = await flow.execute('src', { items: [1, 2] }, { breakpoints: [{ routineId: 'double', condition: 'data.n > 1' }, { routineId: 'sink', slot: 'in' }] });
    expect(job.status).toBe('paused'); // before double(2); sink(2) from double(1) waits behind it
    const text = JSON.stringify(job.serialize());
    const seen: number[] = [];
    const other = pipeline(seen); // another process: a new flow, a restored job
    const restored = JobState.deserialize(JSON.parse(text));
    expect(restored.breakpoints).toEqual(job.breakpoints);
    expect(other.listBreakpoints(restored).map((b) => b.hits)).toEqual([1, 0]);
    const head = restored.pendingTasks[0]!;
    expect(head).toMatchObject({ routineId: 'double', data: { n: 2 } });
    expect(await other.step(restored)).toEqual({ taskId: head.taskId }); // it hit already: it runs
    expect(restored.pendingTasks.map((p) => `${p.routineId}:${JSON.stringify(p.data)}`)).toEqual(['sink:{"n":2}', 'sink:{"n":4}']);
    await other.resume(restored); // sink(2) hits bp2
    expect(restored.status).toBe('paused');
    expect(restored.pausePoints.at(-1)!.checkpoint).toEqual({ breakpointId: 'bp2', taskId: restored.pendingTasks[0]!.taskId });
    expect(seen).toEqual([]);
    const bp3 = other.addBreakpoint(restored, { routineId: 'src' });
    expect(bp3.id).toBe('bp3');
    other.removeBreakpoint(restored, 'bp2');
    // once more across a process boundary, paused at the breakpoint
    const again = JobState.deserialize(JSON.parse(JSON.stringify(restored.serialize())));
    const third = pipeline(seen);
    await third.resume(again);
    expect(again.status).toBe('completed');
    expect(seen).toEqual([2, 4]);
    expect(again.serialize().breakpoints).toEqual([{ id: 'bp1', routineId: 'double', condition: 'data.n > 1', hits: 1 }, { id: 'bp3', routineId: 'src', hits: 0 }]);
  });

  it('loads documents without breakpoints, and rejects a document whose condition the sandbox refuses', async () => {
    const flow = pipeline();
    const job = await flow.execute('src', { items: [] });
    const doc = job.serialize();
    expect('breakpoints' in doc).toBe(false);
    expect(JobState.deserialize(doc).breakpoints).toEqual([]);
    const bad = { ...doc, breakpoints: [{ id: 'bp1', routineId: 'src', condition: 'data.__proto__ == 1', hits: 0 }] };
    expect(code(() => JobState.deserialize(bad))).toBe('INVALID_FORMAT');
  });

  it('checks its arguments: unknown routine, slot, unsafe condition, finished job, unknown breakpoint, not paused', async () => {
    const flow = pipeline();
    const running = flow.start('src', { items: [] });
    await expect(flow.step(running)).rejects.toMatchObject({ code: 'NOT_PAUSED' });
    const job = await flow.execute('src', { items: [] }, { breakpoints: [{ routineId: 'src' }] });
    expect(job.status).toBe('paused');
    expect(code(() => flow.addBreakpoint(job, { routineId: 'nope' }))).toBe('UNKNOWN_ROUTINE');
    expect(code(() => flow.addBreakpoint(job, { routineId: 'double', slot: 'nope' }))).toBe('UNKNOWN_SLOT');
    expect(code(() => flow.addBreakpoint(job, { routineId: 'double', condition: 'data.n ==' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => flow.addBreakpoint(job, { routineId: 'double', condition: 'data.s.matches("(a+)+$")' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => flow.addBreakpoint(job, { routineId: 'double', extra: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => flow.start('src', { items: [] }, { breakpoints: [{ routineId: 'nope' }] }))).toBe('UNKNOWN_ROUTINE');
    expect(code(() => flow.removeBreakpoint(job, 'bp9'))).toBe('UNKNOWN_BREAKPOINT');
    await flow.resume(job);
    expect(job.status).toBe('completed');
    expect(code(() => flow.addBreakpoint(job, { routineId: 'double' }))).toBe('JOB_FINISHED');
    expect(code(() => flow.removeBreakpoint(job, 'bp1'))).toBe('JOB_FINISHED');
    await expect(flow.step(job)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
  });

  it('steps an asynchronous activation: the job pauses again once it settled, with its emits pending', async () => {
    class Wait extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out', ['n']);
        this.defineSlot('in', async (d: { n: number }) => {
          await new Promise((r) => setTimeout(r, 5));
          this.emit('out', { n: d.n + 1 });
          this.emit('out', { n: d.n + 2 });
        });
      }
    }
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out', ['n']);
        this.defineSlot('trigger', () => this.emit('out', { n: 0 }));
      }
    }
    const got: number[] = [];
    class Sink extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', (d: { n: number }) => {
          got.push(d.n);
        });
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Wait(), 'wait');
    flow.addRoutine(new Sink(), 'sink');
    flow.connect('src', 'out', 'wait', 'in');
    flow.connect('wait', 'out', 'sink', 'in');
    const job = await flow.execute('src', {}, { breakpoints: [{ routineId: 'wait' }] });
    expect(job.status).toBe('paused');
    const { taskId } = await flow.step(job);
    expect(taskId).toBe((job.pausePoints[0]!.checkpoint as { taskId: string }).taskId);
    expect(job.status).toBe('paused');
    expect(got).toEqual([]);
    expect(job.pendingTasks.map((p) => p.data)).toEqual([{ n: 1 }, { n: 2 }]);
    await flow.step(job);
    expect(got).toEqual([1]);
    await flow.resume(job);
    expect(job.status).toBe('completed');
    expect(got).toEqual([1, 2]);
  });

  it('adds a breakpoint to a running job: the next matching activation pauses it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    class Slow extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineSlot('trigger', async () => {
          await gate;
          this.emit('out', {});
        });
      }
    }
    const ran: string[] = [];
    class End extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', () => {
          ran.push('end');
        });
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Slow(), 'slow');
    flow.addRoutine(new End(), 'end');
    flow.connect('slow', 'out', 'end', 'in');
    const job = flow.start('slow', {});
    expect(flow.addBreakpoint(job, { routineId: 'end' })).toEqual({ id: 'bp1', routineId: 'end', hits: 0 });
    release();
    await JobState.waitForCompletion(flow, job);
    expect(job.status).toBe('paused');
    expect(ran).toEqual([]);
    await flow.resume(job);
    expect(ran).toEqual(['end']);
  });
});

describe('breakpoints on a Runtime', () => {
  it('adds, lists, removes and steps by job id, with the error codes of services.md §2', async () => {
    const registry = new FlowRegistry();
    const seen: number[] = [];
    const flow = pipeline(seen);
    registry.registerByName('p', flow);
    const runtime = new Runtime({ registry });
    const events: RoutiluxEvent[] = [];
    const sub = runtime.events$.subscribe((e) => events.push(e));
    try {
      const job = runtime.exec('p', { entryParams: { items: [5] }, breakpoints: [{ routineId: 'sink', condition: 'data.n >= 10' }] });
      await JobState.waitForCompletion(flow, job);
      expect(job.status).toBe('paused');
      expect(runtime.listBreakpoints(job.jobId)).toEqual([{ id: 'bp1', routineId: 'sink', condition: 'data.n >= 10', hits: 1 }]);
      expect(events.filter((e) => e.type === 'breakpoint.hit')).toHaveLength(1);
      const added = runtime.addBreakpoint(job.jobId, { routineId: 'double', slot: 'in' });
      expect(added).toEqual({ id: 'bp2', routineId: 'double', slot: 'in', hits: 0 });
      const taskId = job.pendingTasks[0]!.taskId;
      expect(await runtime.step(job.jobId)).toEqual({ taskId });
      expect(seen).toEqual([10]);
      expect(job.status).toBe('paused');
      runtime.removeBreakpoint(job.jobId, 'bp2');
      expect(await runtime.step(job.jobId)).toEqual({ taskId: null });
      expect(job.status).toBe('completed');
      expect(code(() => runtime.addBreakpoint('missing', { routineId: 'sink' }))).toBe('UNKNOWN_JOB');
      expect(code(() => runtime.listBreakpoints('missing'))).toBe('UNKNOWN_JOB');
      expect(code(() => runtime.removeBreakpoint('missing', 'bp1'))).toBe('UNKNOWN_JOB');
      await expect(runtime.step('missing')).rejects.toMatchObject({ code: 'UNKNOWN_JOB' });
      expect(code(() => runtime.addBreakpoint(job.jobId, { routineId: 'sink' }))).toBe('JOB_FINISHED');
      await expect(runtime.step(job.jobId)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
      const running = runtime.exec('p', { entryParams: { items: [] } });
      await expect(runtime.step(running.jobId)).rejects.toMatchObject({ code: 'NOT_PAUSED' });
    } finally {
      sub.unsubscribe();
      await runtime.shutdown();
    }
  });
});

describe('breakpoints with a durable store', () => {
  it('commits the hit, the breakpoints and the step; the stored document resumes elsewhere', async () => {
    const store = new MemoryJobStore();
    const registry = new FlowRegistry();
    const seen: number[] = [];
    const flow = pipeline(seen);
    registry.registerByName('p', flow);
    const runtime = new Runtime({ registry, store });
    try {
      const job = runtime.exec('p', { entryParams: { items: [1, 2] }, breakpoints: [{ routineId: 'double', condition: 'data.n == 2' }] });
      await JobState.waitForCompletion(flow, job);
      expect(job.status).toBe('paused');
      await new Promise((r) => setTimeout(r, 5));
      const stored = (await store.load(job.jobId))!;
      expect(stored.status).toBe('paused');
      expect(stored.breakpoints).toEqual([{ id: 'bp1', routineId: 'double', condition: 'data.n == 2', hits: 1 }]);
      expect(stored.breakpointPass).toEqual({ taskId: job.pendingTasks[0]!.taskId, attempt: 1 });
      expect(stored.pendingTasks.map((t) => t.taskId).sort()).toEqual(job.pendingTasks.map((t) => t.taskId).sort());
      const { taskId } = await runtime.step(job.jobId);
      expect(taskId).toBe(stored.breakpointPass!.taskId);
      await new Promise((r) => setTimeout(r, 5));
      const afterStep = (await store.load(job.jobId))!;
      expect(afterStep.status).toBe('paused');
      expect(afterStep.breakpointPass).toBeUndefined();
      expect(afterStep.pausePoints.at(-1)).toMatchObject({ reason: 'step', checkpoint: { taskId } });
      // another process: the stored document, a new flow
      const other = pipeline(seen);
      const restored = JobState.deserialize(afterStep);
      expect(restored.breakpoints[0]!.hits).toBe(1);
      await other.resume(restored);
      expect(restored.status).toBe('completed');
      expect(seen.sort((a, b) => a - b)).toEqual([2, 4]);
    } finally {
      await runtime.shutdown();
    }
  });
});
