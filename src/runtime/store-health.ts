import type { JobStore } from '../ports/job-store.js';

/** How the jobs of this process see a store: `ok`, or `unavailable` while some job waits to retry a write. */
export interface StoreHealthReport {
  readonly status: 'ok' | 'unavailable';
  /** Jobs waiting to retry a write now. */
  readonly waitingJobs: number;
  /** The last write failure (`STORE_UNAVAILABLE`, …) while waiting; absent when `ok`. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Write failures retried since the store was created. */
  readonly retries: number;
}

/** @internal the write-retry bookkeeping of one store, shared by every job writing to it. */
export class StoreHealth {
  private readonly waiting = new Set<string>();
  private lastError: { code: string; message: string } | undefined;
  private retryCount = 0;

  /** A job's write failed and will be tried again. */
  waitingJob(jobId: string, error: { code: string; message: string }): void {
    this.waiting.add(jobId);
    this.lastError = error;
    this.retryCount++;
  }

  /** A job's write went through (or the job gave up). */
  clear(jobId: string): void {
    if (this.waiting.delete(jobId) && this.waiting.size === 0) this.lastError = undefined;
  }

  report(): StoreHealthReport {
    const e = this.lastError;
    return this.waiting.size === 0 ? { status: 'ok', waitingJobs: 0, retries: this.retryCount } : { status: 'unavailable', waitingJobs: this.waiting.size, retries: this.retryCount, ...(e !== undefined ? { error: e } : {}) };
  }
}

const byStore = new WeakMap<JobStore, StoreHealth>();

/** @internal the health of `store` as the jobs of this process see it. */
export function storeHealthOf(store: JobStore): StoreHealth {
  let h = byStore.get(store);
  if (h === undefined) {
    h = new StoreHealth();
    byStore.set(store, h);
  }
  return h;
}
