import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { Gate, until } from '../../helpers/gate.js';
import { ManualClock, flushAsync } from '../../helpers/manual-clock.js';

/** `r.trigger` emits n messages to `r.in`; `in` records its signal and waits (cooperatively or not) on a gate. */
function blocking(n: number, gate: Gate, log: string[], signals: AbortSignal[], cooperative: boolean, options: ConstructorParameters<typeof Flow>[0] = {}): Flow {
  const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 2, ...options });
  flow.addRoutine(
    new FnRoutine(
      {
        trigger() {
          for (let i = 0; i < n; i++) this.emit('out', { i });
        },
        async in(d, ctx) {
          log.push(`start ${String(d['i'])}`);
          signals.push(ctx.signal);
          if (cooperative) {
            await new Promise<void>((resolve, reject) => {
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
              void gate.wait().then(resolve);
            });
          } else {
            await gate.wait();
          }
          this.emit('done', d);
          log.push(`end ${String(d['i'])}`);
        },
        after: (d) => void log.push(`after ${String(d['i'])}`),
      },
      ['out', 'done'],
    ),
    'r',
  );
  flow.connect('r', 'out', 'r', 'in');
  flow.connect('r', 'done', 'r', 'after');
  return flow;
}

describe('flow.cancel', () => {
  it('should set cancelled at once, abort running handlers, run nothing further, and resolve when they settle', async () => {
    const gate = new Gate();
    const log: string[] = [];
    const signals: AbortSignal[] = [];
    const flow = blocking(5, gate, log, signals, true);
    const job = flow.start('r');
    const executed = JobState.waitForCompletion(flow, job);
    await gate.whenWaiting(2);
    const cancelled = flow.cancel(job, 'user request');
    expect(job.status).toBe('cancelled');
    expect(job.cancelReason).toBe('user request');
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect((signals[0]!.reason as { code?: string }).code).toBe('JOB_CANCELLED');
    await cancelled;
    expect(await executed).toBe(true);
    await flushAsync(3);
    expect(log).toEqual(['start 0', 'start 1']);
    expect(job.pendingTasks).toEqual([]);
    expect(job.status).toBe('cancelled');
    gate.open();
    await flushAsync(3);
    expect(log).toEqual(['start 0', 'start 1']);
  });

  it('should resolve after the grace period for handlers that ignore their signal, and fence their late emits', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const log: string[] = [];
    const signals: AbortSignal[] = [];
    const flow = blocking(3, gate, log, signals, false, { clock });
    const job = flow.start('r');
    await gate.whenWaiting(2);
    let resolved = false;
    const cancelled = flow.cancel(job, '', { grace: 200 }).then(() => (resolved = true));
    expect(job.status).toBe('cancelled');
    await clock.advance(199);
    expect(resolved).toBe(false);
    await clock.advance(1);
    await cancelled;
    expect(resolved).toBe(true);
    gate.open(); // the stubborn handlers finish late: their emits must not run anything
    await flushAsync(3);
    expect(log).toEqual(['start 0', 'start 1', 'end 0', 'end 1']);
    expect(job.status).toBe('cancelled');
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'done')).toEqual([]);
  });

  it('should resolve before the grace period when the handlers settle', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const flow = blocking(1, gate, [], [], false, { clock });
    const job = flow.start('r');
    await gate.whenWaiting(1);
    let resolved = false;
    const cancelled = flow.cancel(job, '', { grace: 10_000 }).then(() => (resolved = true));
    gate.open();
    await cancelled;
    expect(resolved).toBe(true);
    expect(clock.monotonic()).toBe(0);
  });

  it('should make execute resolve with the cancelled job', async () => {
    const gate = new Gate();
    let captured: JobState | undefined;
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine({
        async trigger(_d, ctx) {
          captured = ctx.jobState;
          await gate.wait();
        },
      }),
      'r',
    );
    const p = flow.execute('r');
    await gate.whenWaiting(1);
    await flow.cancel(captured!, 'stop', { grace: 0 });
    const job = await p;
    expect(job.status).toBe('cancelled');
    gate.open();
  });

  it('should be a no-op for a finished job and idempotent', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'r');
    const job = await flow.execute('r');
    await flow.cancel(job, 'late');
    expect(job.status).toBe('completed');
    expect(job.cancelReason).toBeUndefined();
    const gate = new Gate();
    const blocked = blocking(2, gate, [], [], true);
    const j2 = blocked.start('r');
    await gate.whenWaiting(2);
    await blocked.cancel(j2, 'first');
    await blocked.cancel(j2, 'second');
    expect(j2.status).toBe('cancelled');
    expect(j2.cancelReason).toBe('first');
    gate.open();
  });

  it('should cancel a paused job and drop its pending work', async () => {
    const gate = new Gate();
    const log: string[] = [];
    const flow = blocking(4, gate, log, [], false);
    const job = flow.start('r');
    await gate.whenWaiting(2);
    const paused = flow.pause(job);
    gate.open();
    await paused;
    expect(job.pendingTasks.length).toBeGreaterThan(0);
    await flow.cancel(job);
    expect(job.status).toBe('cancelled');
    expect(job.pendingTasks).toEqual([]);
    await expect(flow.resume(job)).rejects.toMatchObject({ code: 'JOB_FINISHED' });
  });

  it('should clear retry timers of a cancelled job', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const flow = new Flow({ clock });
    const r = new FnRoutine({
      trigger(_d, ctx) {
        attempts.push(ctx.attempt);
        throw new Error('x');
      },
    });
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', retryDelay: 100 }));
    flow.addRoutine(r, 'r');
    const job = flow.start('r');
    await until(() => attempts.length === 1);
    await flow.cancel(job);
    await clock.runAll();
    expect(attempts).toEqual([1]);
    expect(job.status).toBe('cancelled');
  });

  it('should reject bad arguments', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'r');
    const job = flow.start('r');
    await expect(flow.cancel(job, 5 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.cancel(job, '', { grace: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.cancel('job' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await JobState.waitForCompletion(flow, job);
  });
});

describe('pause racing with a failure', () => {
  it('should settle pause() when a running activation fails with STOP while the pause waits for it', async () => {
    const gate = new Gate();
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('out', {});
          },
          async in() {
            await gate.wait();
            throw new Error('fails after the pause was requested');
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    await gate.whenWaiting(1);
    let pauseSettled = false;
    const paused = flow.pause(job).then(
      () => (pauseSettled = true),
      () => (pauseSettled = true),
    );
    gate.open();
    await until(() => job.status === 'failed');
    await flushAsync(5);
    expect(job.status).toBe('failed');
    expect(pauseSettled).toBe(true);
    await paused;
  });

  it('should settle pause() when the job times out while the pause waits for a running activation', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const flow = new Flow({ clock, executionTimeout: 100 });
    flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'r');
    const job = flow.start('r');
    await gate.whenWaiting(1);
    let pauseSettled = false;
    void flow.pause(job).then(
      () => (pauseSettled = true),
      () => (pauseSettled = true),
    );
    await clock.advance(1000); // paused: the timeout is disarmed, the job stays paused
    expect(job.status).toBe('paused');
    gate.open();
    await until(() => pauseSettled, 50, 'pause settled');
    expect(job.status).toBe('paused');
  });
});

describe('cancel from inside a handler', () => {
  it('should resolve for the calling handler without waiting out the grace period', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine(
        {
          async trigger(_d, ctx) {
            this.emit('out', {});
            await ctx.flow.cancel(ctx.jobState, 'enough');
            log.push(`after cancel: ${ctx.jobState.status}, aborted ${String(ctx.signal.aborted)}`);
          },
          in: () => void log.push('downstream'),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    await until(() => log.length > 0, 50, 'the handler continues after cancel');
    expect(log).toEqual(['after cancel: cancelled, aborted true']);
    expect(job.status).toBe('cancelled');
    expect(clock.monotonic()).toBe(0);
  });
});

describe('abort signal on failure', () => {
  it('a STOP failure should abort the signal of other running handlers and fence their emits', async () => {
    const gate = new Gate();
    const log: string[] = [];
    let signal: AbortSignal | undefined;
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('slow', {});
            this.emit('fail', {});
          },
          async slow(_d, ctx) {
            signal = ctx.signal;
            await gate.wait();
            this.emit('after', {});
          },
          fail() {
            throw new Error('stop now');
          },
          after: () => void log.push('after ran'),
        },
        ['slow', 'fail', 'after'],
      ),
      'r',
    );
    flow.connect('r', 'slow', 'r', 'slow');
    flow.connect('r', 'fail', 'r', 'fail');
    flow.connect('r', 'after', 'r', 'after');
    const job = await flow.execute('r');
    expect(job.status).toBe('failed');
    expect(signal?.aborted).toBe(true);
    gate.open();
    await flushAsync(3);
    expect(log).toEqual([]);
    expect(job.status).toBe('failed');
  });
});
