import type { Clock } from '../../src/runtime/clock.js';

interface Timer {
  readonly id: number;
  readonly dueAt: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Lets queued microtasks and one macrotask turn run (no wall-clock waiting is involved). */
export function flushAsync(turns = 1): Promise<void> {
  let p = Promise.resolve();
  for (let i = 0; i < turns; i++) p = p.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return p;
}

/**
 * A manual {@link Clock}: time moves only when a test calls `advance(ms)` or `runAll()`.
 * Due timers fire in order of their due time (ties: creation order); after each timer the
 * promise jobs it caused are flushed, so timers scheduled by that work are seen too.
 */
export class ManualClock implements Clock {
  private current: number;
  private mono = 0;
  private nextId = 1;
  private nextSeq = 0;
  private readonly timers = new Map<number, Timer>();
  /** Every delay passed to setTimeout, in call order (for asserting backoff schedules). */
  readonly requestedDelays: number[] = [];

  constructor(startEpochMs = Date.UTC(2024, 0, 1)) {
    this.current = startEpochMs;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.requestedDelays.push(ms);
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.mono + delay, seq: this.nextSeq++, fn });
    return id;
  }

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

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms >= 0; got ${ms}`);
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

  /** Fires timers until none is left (at most `limit`, to catch timer loops). */
  async runAll(limit = 10_000): Promise<void> {
    await flushAsync();
    for (let n = 0; n < limit; n++) {
      const next = this.nextDue();
      if (next === undefined) return;
      this.fire(next);
      await flushAsync();
    }
    throw new Error(`ManualClock.runAll: still ${this.timers.size} timers after ${limit} firings (a timer loop?)`);
  }

  /** Fires only the next due timer (advancing time to it); returns its delay from now, or undefined. */
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
}

function byDue(a: Timer, b: Timer): number {
  return a.dueAt - b.dueAt || a.seq - b.seq;
}
