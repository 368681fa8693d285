/** A promise with its resolve/reject exposed. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
  /** True once resolved or rejected. */
  readonly settled: boolean;
}

/** Creates a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    promise,
    resolve(value: T) {
      settled = true;
      resolve(value);
    },
    reject(reason: unknown) {
      settled = true;
      reject(reason);
    },
    get settled() {
      return settled;
    },
  };
}

/**
 * A gate async handlers wait on: `await gate.wait()` blocks until the test calls
 * `open()` (or `fail(err)`). Counts how many callers are waiting, so a test can assert
 * saturation ("5 handlers are inside now") before letting them go.
 */
export class Gate {
  private d = deferred<void>();
  private waitingCount = 0;
  private arrivals: { n: number; d: Deferred<void> }[] = [];

  /** Callers currently blocked on the gate. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** True once opened (or failed). */
  get isOpen(): boolean {
    return this.d.settled;
  }

  /** Blocks until the gate opens; rejects if it is failed. */
  async wait(): Promise<void> {
    if (this.d.settled) return this.d.promise;
    this.waitingCount++;
    const still: { n: number; d: Deferred<void> }[] = [];
    for (const a of this.arrivals) (this.waitingCount >= a.n ? a.d.resolve() : still.push(a));
    this.arrivals = still;
    try {
      await this.d.promise;
    } finally {
      this.waitingCount--;
    }
  }

  /** Resolves once at least `n` callers are blocked on the gate at the same time. */
  whenWaiting(n: number): Promise<void> {
    if (this.waitingCount >= n) return Promise.resolve();
    const d = deferred<void>();
    this.arrivals.push({ n, d });
    return d.promise;
  }

  /** Lets every current and future caller through. */
  open(): void {
    this.d.resolve();
  }

  /** Makes every current and future caller reject with `error`. */
  fail(error: unknown): void {
    this.d.promise.catch(() => undefined);
    this.d.reject(error);
  }
}

/**
 * Yields to the event loop (setImmediate turns, no timers) until `predicate` holds;
 * throws after `maxTurns`. For waiting on engine-internal progress without sleeping.
 */
export async function until(predicate: () => boolean, maxTurns = 1000, what = 'condition'): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!predicate()) throw new Error(`until: ${what} did not hold after ${maxTurns} event-loop turns`);
}
