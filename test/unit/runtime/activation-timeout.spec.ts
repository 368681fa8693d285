import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, Routine, RoutineBase, Slot, type ExecutionContext } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { codeOf } from '../../helpers/errors.js';
import { Gate } from '../../helpers/gate.js';
import { ManualClock, flushAsync } from '../../helpers/manual-clock.js';

const never = (): Promise<void> => new Promise<void>(() => undefined);

@Routine({ name: 'test.timeouts.defaults', timeout: 500 })
class WithDefaults extends RoutineBase {
  @Slot('trigger', { timeout: 100 })
  onTrigger(): Promise<void> {
    return never();
  }

  @Slot('other')
  onOther(): Promise<void> {
    return never();
  }
}

describe('activation timeout', () => {
  it('should fail a hung activation with ACTIVATION_TIMEOUT through the error strategy, aborting its signal', async () => {
    const clock = new ManualClock();
    let signal: AbortSignal | undefined;
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine({
        trigger: {
          handler: (_d, ctx) => {
            signal = ctx.signal;
            return never(); // ignores its signal
          },
          options: { timeout: 100 },
        },
      }),
      'r',
    );
    const done = flow.execute('r');
    await flushAsync(2);
    await clock.advance(99);
    expect(signal!.aborted).toBe(false);
    await clock.advance(1);
    const job = await done;
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'ACTIVATION_TIMEOUT', routineId: 'r' });
    expect(signal!.aborted).toBe(true);
    expect((signal!.reason as { code?: string }).code).toBe('ACTIVATION_TIMEOUT');
    expect(job.getExecutionHistory().find((h) => h.eventName === 'error')?.data).toMatchObject({ code: 'ACTIVATION_TIMEOUT', attempt: 1 });
  });

  it('should be retried by RETRY, each attempt with a new timeout and a new signal', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const flow = new Flow({ clock });
    const routine = new FnRoutine(
      {
        trigger: {
          handler(_d, ctx) {
            signals.push(ctx.signal);
            if (ctx.attempt === 1) return never();
            this.emit('out', { attempt: ctx.attempt });
            return undefined;
          },
          options: { timeout: 50 },
        },
      },
      ['out'],
    );
    routine.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 10 }));
    flow.addRoutine(routine, 'r');
    const done = flow.execute('r');
    await flushAsync(2);
    await clock.advance(50); // attempt 1 times out
    await clock.advance(10); // the retry is due
    const job = await done;
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('r')).toMatchObject({ status: 'completed', retryCount: 1 });
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect((signals[0]!.reason as { code?: string }).code).toBe('ACTIVATION_TIMEOUT');
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'out').map((h) => h.data)).toEqual([{ attempt: 2 }]);
  });

  it('should let CONTINUE complete the job while the hung handler still hangs, and record its late emits once', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const ran: string[] = [];
    const flow = new Flow({ clock });
    const routine = new FnRoutine(
      {
        trigger: {
          async handler() {
            await gate.wait();
            this.emit('out', {});
          },
          options: { timeout: 30 },
        },
        in: () => void ran.push('in'),
      },
      ['out'],
    );
    routine.setAsOptional('continue');
    flow.addRoutine(routine, 'r');
    flow.connect('r', 'out', 'r', 'in');
    const done = flow.execute('r');
    await gate.whenWaiting(1);
    await clock.advance(30);
    const job = await done;
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('r')).toMatchObject({ status: 'error_continued', error: { code: 'ACTIVATION_TIMEOUT' } });
    gate.open();
    await flushAsync(3);
    expect(ran).toEqual([]);
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'late').map((h) => h.data)).toEqual([{ taskId: 't1', attempt: 1, emits: 1 }]);
  });

  it('should measure from the activation start, not from when it was queued', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('out', {});
          },
          first: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 80)),
          second: { handler: () => never(), options: { timeout: 100 } },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'first');
    flow.connect('r', 'out', 'r', 'second'); // sequential: 'second' starts once 'first' ends, at t=80
    const job = flow.start('r');
    await flushAsync(2);
    await clock.advance(80);
    await clock.advance(99);
    expect(job.status).toBe('running');
    await clock.advance(1);
    await flushAsync(2);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('ACTIVATION_TIMEOUT');
  });

  it('should take a slot timeout from @Slot and a routine default from @Routine, the slot winning', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock });
    flow.addRoutine(new WithDefaults(), 'w');
    const viaSlot = flow.start('w');
    await flushAsync(2);
    await clock.advance(100);
    await flushAsync(2);
    expect(viaSlot.error?.code).toBe('ACTIVATION_TIMEOUT');

    const feed = new Flow({ clock });
    feed.addRoutine(new FnRoutine({ trigger() { this.emit('go', {}); } }, ['go']), 'src');
    feed.addRoutine(new WithDefaults(), 'w');
    feed.connect('src', 'go', 'w', 'other');
    const viaDefault = feed.start('src');
    await flushAsync(2);
    await clock.advance(499);
    expect(viaDefault.status).toBe('running');
    await clock.advance(1);
    await flushAsync(2);
    expect(viaDefault.error).toMatchObject({ code: 'ACTIVATION_TIMEOUT', routineId: 'w' });
  });

  it('should take the routine default from setActivationTimeout and cover logic activations', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock });
    const logic = new FnRoutine({ in: {} });
    logic.setLogic(() => never()).setActivationTimeout(40);
    expect(logic.getActivationTimeout()).toBe(40);
    flow.addRoutine(new FnRoutine({ trigger() { this.emit('go', {}); } }, ['go']), 'src');
    flow.addRoutine(logic, 'logic');
    flow.connect('src', 'go', 'logic', 'in');
    const job = flow.start('src');
    await flushAsync(3);
    await clock.advance(40);
    await flushAsync(2);
    expect(job.error).toMatchObject({ code: 'ACTIVATION_TIMEOUT', routineId: 'logic' });
  });

  it('should arm no timer for an activation without a timeout, and none for synchronous handlers', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const flow = new Flow({ clock, executionTimeout: Infinity });
    flow.addRoutine(new FnRoutine({ trigger: { handler: () => gate.wait() } }), 'plain');
    const job = flow.start('plain');
    await gate.whenWaiting(1);
    expect(clock.pendingTimers).toBe(0);
    gate.open();
    await flushAsync(2);
    expect(job.status).toBe('completed');
    const sync = new Flow({ clock, executionTimeout: Infinity });
    sync.addRoutine(new FnRoutine({ trigger: { handler: () => undefined, options: { timeout: 5 } } }), 'sync');
    expect((await sync.execute('sync')).status).toBe('completed');
    expect(clock.pendingTimers).toBe(0);
  });

  it('should refuse a timeout that is not a positive finite number with INVALID_ARGUMENT', () => {
    for (const bad of [0, -1, Number.NaN, Infinity, '10', null]) {
      expect(codeOf(() => new FnRoutine({ trigger: { handler: () => undefined, options: { timeout: bad as number } } }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => new FnRoutine().setActivationTimeout(bad as number))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => Slot('x', { timeout: bad as number }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => Routine({ timeout: bad as number }))).toBe('INVALID_ARGUMENT');
    }
    expect(new FnRoutine().setActivationTimeout(undefined).getActivationTimeout()).toBeUndefined();
  });

  it('should keep the context of the activation in its signal reason details', async () => {
    const clock = new ManualClock();
    let reason: unknown;
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine({
        trigger: {
          handler: (_d, ctx: ExecutionContext) =>
            new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject((reason = ctx.signal.reason) as Error), { once: true })),
          options: { timeout: 25 },
        },
      }),
      'r',
    );
    const done = flow.execute('r');
    await flushAsync(2);
    await clock.advance(25);
    const job = await done;
    expect(job.error?.code).toBe('ACTIVATION_TIMEOUT');
    expect((reason as { details?: unknown }).details).toMatchObject({ routineId: 'r', slot: 'trigger', taskId: 't1', attempt: 1, timeout: 25 });
    await flushAsync(2);
    expect(job.getExecutionHistory().filter((h) => h.eventName === 'late').map((h) => h.data)).toEqual([{ taskId: 't1', attempt: 1, emits: 0 }]);
  });
});
