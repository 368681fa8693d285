import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState } from '../../../src/index.js';
import { FnRoutine, ledgerSink } from '../../fixtures/routines.js';
import { Gate } from '../../helpers/gate.js';
import { Ledger, ids } from '../../helpers/ledger.js';
import { ManualClock, flushAsync } from '../../helpers/manual-clock.js';

interface Pipeline {
  flow: Flow;
  /** The job, as seen by the first activation (lets a test use execute() and still hold the JobState). */
  job(): JobState;
}

/** src emits n messages to `work` (async, gated), which forwards each to `sink`. Every step goes to the ledger. */
function gatedPipeline(n: number, gate: Gate, ledger: Ledger, options: ConstructorParameters<typeof Flow>[0] = {}): Pipeline {
  let seen: JobState | undefined;
  const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 2, ...options });
  flow.addRoutine(
    new FnRoutine(
      {
        trigger(_d, ctx) {
          seen ??= ctx.jobState;
          for (let i = 0; i < n; i++) this.emit('out', { id: String(i) });
        },
      },
      ['out'],
    ),
    'src',
  );
  flow.addRoutine(
    new FnRoutine(
      {
        async in(d, ctx) {
          ledger.mark(ctx, d['id'] as string, 'start', 'work');
          await gate.wait();
          this.emit('out', d);
          ledger.mark(ctx, d['id'] as string, 'end', 'work');
        },
      },
      ['out'],
    ),
    'work',
  );
  flow.addRoutine(ledgerSink(ledger), 'sink');
  flow.connect('src', 'out', 'work', 'in');
  flow.connect('work', 'out', 'sink', 'in');
  return {
    flow,
    job: () => {
      if (seen === undefined) throw new Error('job not started yet');
      return seen;
    },
  };
}

describe('pause from outside', () => {
  it('should stop dispatch, let running activations finish, keep their emits and queued work as pendingTasks', async () => {
    const gate = new Gate();
    const ledger = new Ledger();
    const { flow, job } = gatedPipeline(6, gate, ledger);
    const executed = flow.execute('src');
    await gate.whenWaiting(2);
    const state = job();
    let pauseDone = false;
    const paused = flow.pause(state, 'maintenance', { step: 3 }).then(() => (pauseDone = true));
    expect(state.status).toBe('paused'); // at once
    await flushAsync(3);
    expect(pauseDone).toBe(false); // two activations still running
    gate.open();
    await paused;
    expect(await executed).toBe(state); // execute resolves with the paused job
    expect(state.status).toBe('paused');
    // the 2 running activations finished; their emits (2 sink tasks) and the 4 queued work tasks are kept
    expect(ledger.entries.filter((e) => e.stage === 'work' && e.phase === 'end')).toHaveLength(2);
    expect(ledger.entries.filter((e) => e.stage === 'sink')).toHaveLength(0);
    expect(state.pendingTasks.map((t) => `${t.routineId}.${t.slotName}:${String(t.data['id'])}`).sort()).toEqual(
      ['work.in:2', 'work.in:3', 'work.in:4', 'work.in:5', 'sink.in:0', 'sink.in:1'].sort(),
    );
    expect(state.pendingTasks.every((t) => t.attempt === 1 && typeof t.taskId === 'string')).toBe(true);
    expect(new Set(state.pendingTasks.map((t) => t.taskId)).size).toBe(6);
    expect(JSON.parse(JSON.stringify(state.pendingTasks))).toEqual(state.pendingTasks.map((t) => ({ ...t }))); // serializable
    expect(state.pausePoints).toHaveLength(1);
    expect(state.pausePoints[0]).toMatchObject({ reason: 'maintenance', checkpoint: { step: 3 } });
    expect(state.pausePoints[0]!.timestamp).toBeInstanceOf(Date);
    await flushAsync(3);
    expect(ledger.entries.filter((e) => e.phase === 'start')).toHaveLength(2); // nothing started while paused

    const resumed = await flow.resume(state);
    expect(resumed).toBe(state);
    expect(state.status).toBe('completed');
    expect(state.pendingTasks).toEqual([]);
    const report = ledger.check({ [state.jobId]: ids(6) }, ['work', 'sink']);
    expect(report).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [], outOfOrder: [] });
  });

  it('should record exactly one pause point: pausing a paused job is a no-op', async () => {
    const gate = new Gate();
    const { flow, job } = gatedPipeline(3, gate, new Ledger());
    void flow.execute('src');
    await gate.whenWaiting(2);
    const p1 = flow.pause(job(), 'first');
    const p2 = flow.pause(job(), 'second');
    gate.open();
    await Promise.all([p1, p2]);
    expect(job().pausePoints.map((p) => p.reason)).toEqual(['first']);
    await flow.resume(job());
    expect(job().status).toBe('completed');
  });

  it('should keep a job that is paused before its entry runs, and run it on resume', async () => {
    const ran: string[] = [];
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: () => void ran.push('entry') }), 'r');
    const job = flow.start('r', { x: 1 });
    await flow.pause(job);
    await flushAsync(2);
    expect(ran).toEqual([]);
    expect(job.pendingTasks).toEqual([expect.objectContaining({ routineId: 'r', slotName: 'trigger', data: { x: 1 }, attempt: 1, delayMs: 0 })]);
    await flow.resume(job);
    expect(ran).toEqual(['entry']);
    expect(job.status).toBe('completed');
  });

  it('should pause and resume many times with each message handled exactly once', async () => {
    const ledger = new Ledger();
    const pauseAt = new Set(['5', '13', '27', '28']);
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 3 });
    flow.addRoutine(new FnRoutine({ trigger() { for (let i = 0; i < 40; i++) this.emit('out', { id: String(i) }); } }, ['out']), 'src');
    flow.addRoutine(
      new FnRoutine({
        async in(d, ctx) {
          const id = d['id'] as string;
          ledger.mark(ctx, id, 'start');
          await Promise.resolve();
          if (pauseAt.delete(id)) void ctx.flow.pause(ctx.jobState, `at ${id}`);
          ledger.mark(ctx, id, 'end');
        },
      }),
      'work',
    );
    flow.connect('src', 'out', 'work', 'in');
    const job = await flow.execute('src');
    let resumes = 0;
    while (job.status === 'paused') {
      expect(job.pendingTasks.length).toBeGreaterThan(0);
      await flow.resume(job);
      resumes++;
    }
    expect(job.status).toBe('completed');
    expect(resumes).toBeGreaterThanOrEqual(3);
    expect(job.pausePoints.length).toBe(resumes);
    expect(ledger.check({ [job.jobId]: ids(40) })).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [] });
  });
});

describe('pause from inside a handler', () => {
  it('should pause after the current handler, keeping its later emits as pending', async () => {
    const log: string[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          async trigger(_d, ctx) {
            this.emit('out', { n: 1 });
            await ctx.flow.pause(ctx.jobState, 'from inside', { at: 'trigger' });
            log.push(`status after pause: ${ctx.jobState.status}`);
            this.emit('out', { n: 2 });
          },
          in: (d) => void log.push(`in ${String(d['n'])}`),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = await flow.execute('r');
    expect(job.status).toBe('paused');
    expect(log).toEqual(['status after pause: paused']);
    expect(job.pausePoints).toHaveLength(1);
    expect(job.pausePoints[0]).toMatchObject({ reason: 'from inside', checkpoint: { at: 'trigger' } });
    expect(job.pendingTasks.map((t) => t.data)).toEqual([{ n: 1 }, { n: 2 }]);
    await flow.resume(job);
    expect(log).toEqual(['status after pause: paused', 'in 1', 'in 2']);
    expect(job.status).toBe('completed');
  });

  it('should work from a synchronous handler without awaiting', async () => {
    const flow = new Flow();
    const log: string[] = [];
    flow.addRoutine(
      new FnRoutine(
        {
          trigger(_d, ctx) {
            void ctx.flow.pause(ctx.jobState, 'sync');
            this.emit('out', {});
          },
          in: () => void log.push('in'),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = await flow.execute('r');
    expect(job.status).toBe('paused');
    expect(log).toEqual([]);
    expect(job.pendingTasks).toHaveLength(1);
    await flow.resume(job);
    expect(log).toEqual(['in']);
  });
});

describe('deferred events', () => {
  it('should be stored while running and emitted exactly once on the next resume', async () => {
    const got: unknown[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          async trigger(_d, ctx) {
            this.emitDeferredEvent('out', { deferred: true });
            await ctx.flow.pause(ctx.jobState, 'wait for resume');
          },
          async in(d, ctx) {
            got.push(d);
            if (got.length === 1) await ctx.flow.pause(ctx.jobState, 'second pause');
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = await flow.execute('r');
    expect(job.status).toBe('paused');
    expect(job.deferredEvents).toEqual([{ routineId: 'r', eventName: 'out', data: { deferred: true } }]);
    expect(got).toEqual([]);
    await flow.resume(job);
    expect(job.status).toBe('paused'); // paused again inside the handler of the deferred event
    expect(got).toEqual([{ deferred: true }]);
    expect(job.deferredEvents).toEqual([]);
    await flow.resume(job);
    expect(job.status).toBe('completed');
    expect(got).toEqual([{ deferred: true }]);
    expect(job.getExecutionHistory('r').filter((h) => h.eventName === 'out')).toHaveLength(1);
  });
});

describe('retries and pause', () => {
  it('a retry waiting out its backoff during a pause should be a pending task with its attempt and remaining delay', async () => {
    const clock = new ManualClock();
    const attempts: [number, number][] = [];
    const flow = new Flow({ clock });
    const r = new FnRoutine({
      trigger(_d, ctx) {
        attempts.push([ctx.attempt, clock.monotonic()]);
        if (ctx.attempt < 3) throw new Error('transient');
      },
    });
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 3, retryDelay: 100, retryBackoff: 2 }));
    flow.addRoutine(r, 'r');
    const job = flow.start('r');
    await clock.advance(100); // attempt 2 at t=100 fails → next retry due at t=300
    await clock.advance(50);
    expect(attempts).toEqual([
      [1, 0],
      [2, 100],
    ]);
    await flow.pause(job, 'hold');
    expect(job.status).toBe('paused');
    expect(job.pendingTasks).toEqual([expect.objectContaining({ routineId: 'r', slotName: 'trigger', attempt: 3, delayMs: 150 })]);
    expect(job.pausePoints[0]!.pendingTaskCount).toBe(1);
    expect(job.getRoutineState('r')?.retryCount).toBe(2);
    await clock.advance(10_000); // time while paused does not fire the retry
    expect(attempts).toHaveLength(2);
    const resumed = flow.resume(job);
    await clock.advance(149);
    expect(attempts).toHaveLength(2);
    await clock.advance(1);
    await resumed;
    expect(attempts.map((a) => a[0])).toEqual([1, 2, 3]);
    expect(attempts[2]![1] - attempts[1]![1]).toBe(10_000 + 50 + 150); // 50 before the pause + 150 after
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('r')?.retryCount).toBe(2);
  });

  it('should not count paused time against the execution timeout', async () => {
    const clock = new ManualClock();
    const first = new Gate();
    const second = new Gate();
    const flow = new Flow({ clock, executionTimeout: 1000 });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('out', { n: 1 });
            this.emit('out', { n: 2 });
          },
          in: (d) => (d['n'] === 1 ? first.wait() : second.wait()),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    await first.whenWaiting(1);
    await clock.advance(600);
    const paused = flow.pause(job);
    first.open();
    await paused;
    await clock.advance(5000);
    expect(job.status).toBe('paused');
    const resumed = flow.resume(job);
    await second.whenWaiting(1);
    await clock.advance(399);
    expect(job.status).toBe('running');
    await clock.advance(1);
    await resumed;
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('EXECUTION_TIMEOUT');
    second.open();
  });
});

describe('pause / resume errors', () => {
  it('should reject a job of another flow with FLOW_MISMATCH', async () => {
    const a = new Flow();
    a.addRoutine(new FnRoutine({ trigger() {} }), 'r');
    const job = await a.execute('r');
    const b = new Flow();
    await expect(b.pause(job)).rejects.toMatchObject({ code: 'FLOW_MISMATCH' });
    await expect(b.resume(job)).rejects.toMatchObject({ code: 'FLOW_MISMATCH' });
    await expect(b.cancel(job)).rejects.toMatchObject({ code: 'FLOW_MISMATCH' });
  });

  it('should reject resuming (or pausing) a finished job with JOB_FINISHED', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'ok');
    flow.addRoutine(new FnRoutine({ trigger() { throw new Error('x'); } }), 'bad');
    const done = await flow.execute('ok');
    const failed = await flow.execute('bad');
    await expect(flow.resume(done)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
    await expect(flow.resume(failed)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
    await expect(flow.pause(done)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
    const gate = new Gate();
    flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'slow');
    const slow = flow.start('slow');
    await flow.cancel(slow, '', { grace: 0 });
    await expect(flow.resume(slow)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
    gate.open();
  });

  it('should reject bad arguments', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'r');
    const job = flow.start('r');
    await expect(flow.pause({} as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.pause(job, 5 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.pause(job, 'r', { f: () => 1 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(flow.resume(null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await JobState.waitForCompletion(flow, job);
  });

  it('resume of a running job should just wait for it', async () => {
    const gate = new Gate();
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'r');
    const job = flow.start('r');
    const p = flow.resume(job);
    gate.open();
    expect(await p).toBe(job);
    expect(job.status).toBe('completed');
  });
});
