import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, RoutineBase, isRoutiluxError } from '../../src/index.js';
import { TEST_CLOCK_EPOCH, TestClock, flushAsync } from '../../src/testing/index.js';

describe('TestClock', () => {
  it('should start at the given wall-clock time and move only when told', async () => {
    expect(new TestClock().now()).toBe(TEST_CLOCK_EPOCH);
    const clock = new TestClock(new Date('2030-05-01T00:00:00Z'));
    const start = clock.now();
    clock.setTimeout(() => undefined, 50);
    await flushAsync(3);
    expect(clock.now()).toBe(start);
    expect(clock.monotonic()).toBe(0);
    await clock.advance(20);
    expect([clock.now() - start, clock.monotonic()]).toEqual([20, 20]);
  });

  it('should fire one timer at a time with runNext and report how far time moved', async () => {
    const clock = new TestClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('late'), 30);
    clock.setTimeout(() => fired.push('soon'), 10);
    expect(clock.pendingDelays()).toEqual([10, 30]);
    expect(await clock.runNext()).toBe(10);
    expect(fired).toEqual(['soon']);
    expect(clock.pendingDelays()).toEqual([20]);
    expect(await clock.runNext()).toBe(20);
    expect(await clock.runNext()).toBeUndefined();
    expect(fired).toEqual(['soon', 'late']);
    expect(clock.requestedDelays).toEqual([30, 10]);
  });

  it('should resolve whenTimers once enough timers are pending', async () => {
    const clock = new TestClock();
    let ready = false;
    const waiting = clock.whenTimers(2).then(() => (ready = true));
    clock.setTimeout(() => undefined, 1);
    await flushAsync();
    expect(ready).toBe(false);
    clock.setTimeout(() => undefined, 1);
    await waiting;
    expect(ready).toBe(true);
  });

  it('should stop runAll on a timer that keeps re-arming itself, with a typed error', async () => {
    const clock = new TestClock();
    const rearm = (): void => void clock.setTimeout(rearm, 1);
    rearm();
    const error: unknown = await clock.runAll(50).catch((e: unknown) => e);
    expect(isRoutiluxError(error) && error.code).toBe('INVALID_STATE');
    await expect(clock.advance(-1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => new TestClock(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('should drive a flow retry backoff without waiting', async () => {
    const clock = new TestClock();
    const flow = new Flow({ clock });
    let calls = 0;
    const flaky = new (class extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', () => {
          calls++;
          if (calls < 3) throw new Error('flaky');
        });
      }
    })();
    flaky.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 3, retryDelay: 100, retryBackoff: 2 }));
    flow.addRoutine(flaky, 'flaky');
    const job = flow.start('flaky', {});
    await clock.whenTimers(2); // the job timeout and the first retry
    expect(clock.pendingDelays()).toContain(100);
    await clock.advance(100);
    expect(calls).toBe(2);
    await clock.advance(199);
    expect(calls).toBe(2);
    await clock.advance(1);
    expect(calls).toBe(3);
    expect(job.status).toBe('completed');
  });
});
