import { ErrorCode, ExecutionError, InvalidArgumentError } from '../index.js';
import type { Clock } from '../runtime/clock.js';

interface Timer {
  readonly id: number;
  readonly dueAt: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * Lets queued promise jobs and `turns` event-loop turns run (setImmediate; no wall-clock
 * waiting). Use it after poking the engine to let the work it scheduled happen.
 *
 * @example
 * flow.start('src', {}); await flushAsync(); expect(clock.pendingTimers).toBe(1);
 */
export function flushAsync(turns = 1): Promise<void> {
  let p = Promise.resolve();
  for (let i = 0; i < turns; i++) p = p.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return p;
}

/** The default start of a {@link TestClock}: 2024-01-01T00:00:00Z. */
export const TEST_CLOCK_EPOCH = Date.UTC(2024, 0, 1);

/**
 * A manual {@link Clock} for tests: time moves only when the test calls `advance(ms)`,
 * `runNext()` or `runAll()`. Pass it as `new Flow({ clock })` (retries, timeouts,
 * time-interval policies, debouncers) or `new Runtime({ clock })` (drain and wait timeouts).
 *
 * Due timers fire in order of due time (ties: creation order). After each timer the
 * promise jobs and one event-loop turn it caused are flushed, so timers that this work
 * schedules are seen by the same `advance`.
 *
 * @example
 * const clock = new TestClock();
 * const flow = new Flow({ clock });
 * const job = flow.start('fetch', {});        // a handler fails; RETRY waits 1000 ms
 * await clock.whenTimers(2);                  // the job timeout + the retry
 * await clock.advance(1000);                  // the retry runs now
 */
export class TestClock implements Clock {
  private current: number;
  private mono = 0;
  private nextId = 1;
  private nextSeq = 0;
  private readonly timers = new Map<number, Timer>();
  private waiters: { count: number; resolve: () => void }[] = [];
  /** Every delay passed to setTimeout, in call order (for asserting backoff schedules). */
  readonly requestedDelays: number[] = [];

  /** @param start wall-clock start (epoch ms or a Date). @default TEST_CLOCK_EPOCH */
  constructor(start: number | Date = TEST_CLOCK_EPOCH) {
    const ms = start instanceof Date ? start.getTime() : start;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `TestClock start must be epoch milliseconds or a valid Date; got ${String(start)}.`);
    }
    this.current = ms;
  }

  /** Wall-clock milliseconds (the start plus the time advanced so far). */
  now(): number {
    return this.current;
  }

  /** Milliseconds advanced since the clock was created. */
  monotonic(): number {
    return this.mono;
  }

  /** Schedules `fn` after `ms` of manual time (negative, NaN or infinite delays count as 0). */
  setTimeout(fn: () => void, ms: number): unknown {
    if (typeof fn !== 'function') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'TestClock.setTimeout(fn, ms) needs a function.');
    }
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.requestedDelays.push(ms);
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.mono + delay, seq: this.nextSeq++, fn });
    this.notify();
    return id;
  }

  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Delays (ms from now) of the timers still pending, soonest first. */
  pendingDelays(): number[] {
    return [...this.timers.values()].sort(byDue).map((t) => t.dueAt - this.mono);
  }

  /** Resolves once at least `count` timers are pending (e.g. after the engine scheduled a retry). */
  whenTimers(count = 1): Promise<void> {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `whenTimers(count) needs a non-negative integer; got ${String(count)}.`);
    }
    if (this.timers.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `TestClock.advance(ms) needs a finite ms >= 0; got ${String(ms)}.`);
    }
    const target = this.mono + ms;
    await flushAsync();
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.dueAt > target) break;
      this.fire(next);
      await flushAsync();
    }
    this.moveTo(target);
  }

  /** Fires timers (advancing time to each) until none is left; at most `limit` firings, to catch timer loops. */
  async runAll(limit = 10_000): Promise<void> {
    await flushAsync();
    for (let n = 0; n < limit; n++) {
      const next = this.nextDue();
      if (next === undefined) return;
      this.fire(next);
      await flushAsync();
    }
    throw new ExecutionError(ErrorCode.INVALID_STATE, `TestClock.runAll: ${this.timers.size} timers are still pending after ${limit} firings; a timer keeps re-arming itself — use advance(ms) instead.`, {
      details: { limit, pending: this.timers.size },
    });
  }

  /** Fires only the next due timer (advancing time to it); returns how far time moved, or undefined when none is pending. */
  async runNext(): Promise<number | undefined> {
    await flushAsync();
    const next = this.nextDue();
    if (next === undefined) return undefined;
    const delta = next.dueAt - this.mono;
    this.fire(next);
    await flushAsync();
    return delta;
  }

  private nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) if (best === undefined || byDue(t, best) < 0) best = t;
    return best;
  }

  private fire(timer: Timer): void {
    this.timers.delete(timer.id);
    this.moveTo(Math.max(this.mono, timer.dueAt));
    timer.fn();
  }

  private moveTo(mono: number): void {
    this.current += mono - this.mono;
    this.mono = mono;
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const still: { count: number; resolve: () => void }[] = [];
    for (const w of this.waiters) (this.timers.size >= w.count ? w.resolve() : still.push(w));
    this.waiters = still;
  }
}

function byDue(a: Timer, b: Timer): number {
  return a.dueAt - b.dueAt || a.seq - b.seq;
}
