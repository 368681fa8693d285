import { describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, Runtime, isRoutiluxError } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { Gate, deferred, until } from '../../helpers/gate.js';
import { ManualClock, flushAsync } from '../../helpers/manual-clock.js';

/** A flow whose `trigger` handler waits on `gate` and ignores its signal; `after` runs what it emits once it settles. */
function stubborn(gate: Gate, ran: string[], options: ConstructorParameters<typeof Flow>[0] = {}): Flow {
  const flow = new Flow(options);
  flow.addRoutine(
    new FnRoutine(
      {
        async trigger() {
          await gate.wait();
          this.emit('out', { late: true });
          this.emit('out', { late: true });
        },
        in: () => void ran.push('in'),
      },
      ['out'],
    ),
    'r',
  );
  flow.connect('r', 'out', 'r', 'in');
  return flow;
}

describe('pause() of a job whose handler hangs', () => {
  it('should resolve when the job is cancelled instead (the caller reads the status)', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const flow = stubborn(gate, [], { clock });
    const job = flow.start('r');
    await gate.whenWaiting(1);
    let paused = false;
    void flow.pause(job, 'hold on').then(() => (paused = true));
    await flushAsync(3);
    expect(paused).toBe(false); // a running activation finishes before a pause settles
    void flow.cancel(job, 'stop', { grace: 1000 });
    await flushAsync(3);
    expect(paused).toBe(true);
    expect(job.status).toBe('cancelled');
  });

  it('should resolve when another running activation fails the job while it pauses', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const failing = new Gate();
    const flow = new Flow({ clock, executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('hang', {});
            this.emit('fail', {});
          },
          hang: () => gate.wait(),
          async fail() {
            await failing.wait();
          },
        },
        ['hang', 'fail'],
      ),
      'r',
    );
    flow.connect('r', 'hang', 'r', 'hang');
    flow.connect('r', 'fail', 'r', 'fail');
    const job = flow.start('r');
    await gate.whenWaiting(1);
    await failing.whenWaiting(1);
    let paused = false;
    void flow.pause(job).then(() => (paused = true));
    await flushAsync(3);
    expect(paused).toBe(false);
    failing.fail(new Error('broken')); // STOP: the job fails while 'hang' still hangs
    await flushAsync(3);
    expect(job.status).toBe('failed');
    expect(paused).toBe(true);
  });
});

/** A one-worker Runtime with a flow whose handler hangs on a gate and a quick flow beside it. */
function hungBesideQuick(options: { executionTimeout?: number }) {
  const clock = new ManualClock();
  const registry = new FlowRegistry();
  const gate = new Gate();
  const hung = new Flow({ clock, ...options });
  hung.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'hang');
  const quick = new Flow({ clock });
  const ran: string[] = [];
  quick.addRoutine(new FnRoutine({ trigger: () => void ran.push('quick') }), 'q');
  registry.registerByName('hung', hung);
  registry.registerByName('quick', quick);
  const runtime = new Runtime({ concurrency: 1, registry, clock });
  return { clock, gate, ran, hung, runtime };
}

describe('a hung handler when its job ends', () => {
  it('should release its Runtime worker at once when the job times out, so other jobs run', async () => {
    const { clock, gate, ran, runtime } = hungBesideQuick({ executionTimeout: 50 });
    const stuck = runtime.exec('hung');
    await gate.whenWaiting(1);
    const other = runtime.exec('quick');
    await flushAsync(3);
    expect(ran).toEqual([]); // the one worker is held by the hung handler
    await clock.advance(50);
    expect(stuck.status).toBe('failed');
    expect(stuck.error?.code).toBe('EXECUTION_TIMEOUT');
    await until(() => other.status === 'completed');
    expect(ran).toEqual(['quick']);
    expect(runtime.active).toBe(0);
    expect(await runtime.waitUntilAllJobsFinished(0)).toBe(true);
    expect(gate.waiting).toBe(1); // the handler itself still hangs
  });

  it('should release the worker at once when the job is cancelled; cancel still waits out its grace', async () => {
    const { clock, gate, ran, hung, runtime } = hungBesideQuick({});
    const stuck = runtime.exec('hung');
    await gate.whenWaiting(1);
    const other = runtime.exec('quick');
    let cancelled = false;
    void hung.cancel(stuck, '', { grace: 500 }).then(() => (cancelled = true));
    await until(() => other.status === 'completed');
    expect(ran).toEqual(['quick']);
    expect(cancelled).toBe(false);
    await clock.advance(500);
    expect(cancelled).toBe(true);
  });

  it('should let execute resolve without waiting for the handler, and mark the routine failed', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const flow = new Flow({ clock, executionTimeout: 10 });
    flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'hang');
    let settled = false;
    const done = flow.execute('hang').then((job) => {
      settled = true;
      return job;
    });
    await gate.whenWaiting(1);
    await clock.advance(10);
    await flushAsync(2);
    expect(settled).toBe(true);
    const job = await done;
    expect(job.status).toBe('failed');
    expect(job.getRoutineState('hang')).toMatchObject({ status: 'failed', error: { code: 'EXECUTION_TIMEOUT' } });
  });
});

describe('a handler that ends its own job', () => {
  it('should lose its worker once it returns, when it cancelled its job synchronously and then hangs', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    const gate = new Gate();
    const selfish = new Flow({ clock });
    selfish.addRoutine(
      new FnRoutine(
        {
          trigger(_d, ctx) {
            void ctx.flow.cancel(ctx.jobState, 'enough', { grace: 0 });
            this.emit('out', {}); // after its job ended: ignored
            return gate.wait();
          },
        },
        ['out'],
      ),
      's',
    );
    const quick = new Flow({ clock });
    quick.addRoutine(new FnRoutine({ trigger: () => undefined }), 'q');
    registry.registerByName('selfish', selfish);
    registry.registerByName('quick', quick);
    const runtime = new Runtime({ concurrency: 1, registry, clock });
    const job = runtime.exec('selfish');
    const other = runtime.exec('quick');
    await until(() => other.status === 'completed');
    expect(job.status).toBe('cancelled');
    expect(runtime.active).toBe(0);
    gate.open();
    await flushAsync(3);
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'late').map((h) => h.data)).toEqual([{ taskId: 't1', attempt: 1, emits: 1 }]);
  });

  it('should let a handler await the cancel of its own job', async () => {
    const flow = new Flow();
    const seen: string[] = [];
    flow.addRoutine(
      new FnRoutine({
        async trigger(_d, ctx) {
          await ctx.flow.cancel(ctx.jobState, 'from inside');
          seen.push(`${ctx.jobState.status} ${String(ctx.signal.aborted)}`);
        },
      }),
      'r',
    );
    const job = await flow.execute('r');
    expect(job.status).toBe('cancelled');
    await until(() => seen.length === 1);
    expect(seen).toEqual(['cancelled true']);
  });
});

describe('late work', () => {
  it('should ignore the emits of a handler that outlived its cancelled job and record them once when it settles', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const ran: string[] = [];
    const flow = stubborn(gate, ran, { clock });
    const job = flow.start('r');
    await gate.whenWaiting(1);
    await flow.cancel(job, '', { grace: 0 });
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'late')).toEqual([]);
    gate.open();
    await flushAsync(3);
    expect(ran).toEqual([]);
    const late = job.getExecutionHistory().filter((h) => h.eventName === 'late');
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ routineId: 'r', data: { taskId: 't1', attempt: 1, emits: 2 } });
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'out')).toEqual([]);
  });

  it('should record a callback a handler left behind that emits after the job completed, once', async () => {
    const release = deferred();
    const ran: string[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            // neither awaited nor given to ctx.waitUntil; the callback runs in the activation's context
            void release.promise.then(() => {
              this.emit('out', {});
              this.emit('out', {});
              this.emit('out', {});
            });
          },
          in: () => void ran.push('in'),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = await flow.execute('r');
    expect(job.status).toBe('completed');
    release.resolve();
    await flushAsync(2);
    expect(ran).toEqual([]);
    const late = job.getExecutionHistory().filter((h) => h.eventName === 'late');
    expect(late).toHaveLength(1);
    expect(late[0]!.data).toEqual({ taskId: 't1', attempt: 1, emits: 3 });
  });

  it('should not count a handler that settled before its job ended as late', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: async () => undefined }), 'r');
    const job = await flow.execute('r');
    expect(job.getExecutionHistory().map((h) => h.eventName)).toEqual(['start']);
  });
});

describe('ctx.signal of one activation', () => {
  it('should abort when its activation ends, not when another one does, and not on pause', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const signals: Record<string, AbortSignal> = {};
    const flow = new Flow({ clock, executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger(_d, ctx) {
            signals['trigger'] = ctx.signal;
            this.emit('out', {});
          },
          async in(_d, ctx) {
            signals['in'] = ctx.signal;
            await gate.wait();
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    await gate.whenWaiting(1);
    expect(signals['trigger']!.aborted).toBe(true);
    expect((signals['trigger']!.reason as { code?: string }).code).toBe('ACTIVATION_ENDED');
    expect(signals['in']!.aborted).toBe(false);
    const paused = flow.pause(job);
    await flushAsync(2);
    expect(signals['in']!.aborted).toBe(false);
    gate.open();
    await paused;
    expect(signals['in']!.aborted).toBe(true);
    expect(job.status).toBe('paused');
  });

  it('should abort with a RoutiluxError when another routine fails the job with a plain Error', async () => {
    const gate = new Gate();
    let signal: AbortSignal | undefined;
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('slow', {});
            this.emit('boom', {});
          },
          async slow(_d, ctx) {
            signal = ctx.signal;
            await gate.wait();
          },
          boom() {
            throw new Error('broken');
          },
        },
        ['slow', 'boom'],
      ),
      'r',
    );
    flow.connect('r', 'slow', 'r', 'slow');
    flow.connect('r', 'boom', 'r', 'boom');
    const job = await flow.execute('r');
    expect(job.status).toBe('failed');
    expect(signal?.aborted).toBe(true);
    expect(isRoutiluxError(signal?.reason)).toBe(true);
    expect((signal?.reason as Error).cause).toBeInstanceOf(Error);
    gate.open();
  });

  it('should keep the signal of an activation with waitUntil work open until that work settles', async () => {
    const clock = new ManualClock();
    let signal: AbortSignal | undefined;
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine({
        trigger(_d, ctx) {
          signal = ctx.signal;
          ctx.waitUntil(new Promise<void>((resolve) => clock.setTimeout(resolve, 20)));
        },
      }),
      'r',
    );
    const done = flow.execute('r');
    await flushAsync(2);
    expect(signal!.aborted).toBe(false);
    await clock.advance(20);
    await done;
    expect(signal!.aborted).toBe(true);
  });
});
