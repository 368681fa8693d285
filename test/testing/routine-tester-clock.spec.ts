import { describe, expect, it } from 'vitest';
import { ErrorHandler, RoutineBase, systemClock, type Clock, type ExecutionContext } from '../../src/index.js';
import { RoutineTester, TestClock } from '../../src/testing/index.js';

/** Fails its first attempt, then waits on a real timer (as a routine calling a real API would) and emits. */
class WaitsOnRealTime extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('done', ['attempt']);
    this.defineSlot('input', async (_data: Record<string, unknown>, ctx: ExecutionContext) => {
      if (ctx.attempt === 1) throw new Error('transient');
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      this.emit('done', { attempt: ctx.attempt });
    });
  }
}

describe('RoutineTester clock option', () => {
  it('should run a retrying routine on the real clock when given systemClock', async () => {
    const tester = RoutineTester.create(new WaitsOnRealTime(), { clock: systemClock, errorHandler: new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 1 }) });
    const clock: Clock = tester.clock;
    expect(clock).toBe(systemClock);
    const run = await tester.send('input', {});
    expect(run.status).toBe('completed');
    expect(run.emitsOf(tester.routineId, 'done')).toEqual([{ attempt: 2 }]);
    await tester.close();
  });

  it('should use a new TestClock by default, typed as one', async () => {
    const tester = RoutineTester.create(new WaitsOnRealTime());
    expect(tester.clock).toBeInstanceOf(TestClock);
    expect(tester.clock.pendingTimers).toBe(0); // TestClock members type-check without a cast
    await tester.close();
  });

  it('should refuse advanceTime on a clock that is not a TestClock, and a value that is not a clock', async () => {
    const tester = RoutineTester.create(new WaitsOnRealTime(), { clock: systemClock });
    await expect(tester.send('input', {}, { advanceTime: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await tester.close();
    expect(() => RoutineTester.create(new WaitsOnRealTime(), { clock: { now: () => 0 } as unknown as Clock })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
