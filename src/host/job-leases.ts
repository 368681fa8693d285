import type { JobLease, JobStore } from '../ports/job-store.js';
import type { Clock } from '../runtime/clock.js';

/** @internal how a {@link JobLeases} is set up. */
export interface JobLeasesOptions {
  readonly store: JobStore;
  /** The lease owner: one id per Runtime. */
  readonly owner: string;
  /** How long a lease lives without renewal. */
  readonly ttlMs: number;
  /** The clock of the renewal timer. */
  readonly clock: Clock;
}

/**
 * @internal The leases one Runtime holds on the jobs of its store: a lease is taken when a
 * job starts or is recovered, renewed every third of its time to live while the job is not
 * finished, and given back on shutdown. Another Runtime's `recover()` skips a job whose
 * lease is live. Lease writes are not on an activation's path: a failed renewal is tried
 * again at the next renewal.
 */
export class JobLeases {
  private readonly held = new Map<string, JobLease | undefined>();
  private timer: unknown;
  private closed = false;

  constructor(private readonly options: JobLeasesOptions) {}

  /** The owner id written with every lease. */
  get owner(): string {
    return this.options.owner;
  }

  /** True when this Runtime holds (or is taking) the lease of `jobId`. */
  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /** Takes the lease of a job and waits for the answer; false when another live owner has it. */
  async take(jobId: string): Promise<boolean> {
    const lease = await this.options.store.acquire(jobId, this.options.owner, this.options.ttlMs);
    if (lease === undefined) return false;
    this.held.set(jobId, lease);
    this.arm();
    return true;
  }

  /**
   * Takes the lease of a job this Runtime is starting. The store is asked at once (before
   * the job's first write); the answer is not awaited, so a store that refuses shows up
   * on the job's own writes.
   */
  hold(jobId: string): void {
    if (this.closed || this.held.has(jobId)) return;
    this.held.set(jobId, undefined);
    this.options.store.acquire(jobId, this.options.owner, this.options.ttlMs).then(
      (lease) => {
        if (this.held.has(jobId)) this.held.set(jobId, lease);
      },
      () => undefined, // renewed later
    );
    this.arm();
  }

  /** Stops renewing a finished job's lease (it is left to expire: a finished job is never recovered). */
  forget(jobId: string): void {
    this.held.delete(jobId);
    if (this.held.size === 0) this.disarm();
  }

  /** Gives a lease back now (a job that could not be recovered stays in the store for another try). */
  async give(jobId: string): Promise<void> {
    const lease = this.held.get(jobId);
    this.forget(jobId);
    if (lease !== undefined) await this.options.store.release(lease);
  }

  /** Gives every lease back and stops renewing (shutdown); a lease the store refuses to release expires on its own. */
  async releaseAll(): Promise<void> {
    this.closed = true;
    this.disarm();
    const leases = [...this.held.values()].filter((l): l is JobLease => l !== undefined);
    this.held.clear();
    await Promise.all(leases.map((l) => this.options.store.release(l).catch(() => undefined)));
  }

  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    const every = Math.max(1, Math.floor(this.options.ttlMs / 3));
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.renew().finally(() => {
        if (this.held.size > 0) this.arm();
      });
    }, every);
    unref(this.timer);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    const { store, owner, ttlMs } = this.options;
    await Promise.all(
      [...this.held.keys()].map(async (jobId) => {
        try {
          const lease = await store.acquire(jobId, owner, ttlMs);
          if (this.held.has(jobId)) this.held.set(jobId, lease);
        } catch {
          // the store is down: tried again at the next renewal
        }
      }),
    );
  }
}

/** Lets the process exit while only a renewal timer is pending (a Node timer has `unref`; a test clock's handle has not). */
function unref(handle: unknown): void {
  const h = handle as { unref?: unknown } | null;
  if (h !== null && typeof h === 'object' && typeof h.unref === 'function') (h as { unref(): void }).unref();
}
