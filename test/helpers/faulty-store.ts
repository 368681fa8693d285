import { type ActivationCommit, type Clock, ErrorCode, type JobLease, type JobPage, type JobStore, type ListJobsQuery, type SerializedJobState, StoreError, type StoredJson, systemClock } from '../../src/index.js';
import { seededRandom } from './random.js';

/** The faults a {@link FaultyJobStore} injects (reliability plan §0, after Temporal's fault injection). */
export type FaultKind = 'error' | 'timeout' | 'unavailable' | 'latency' | 'executeAndTimeout';

/** Rates (0–1) and durations of the injected faults. */
export interface FaultConfig {
  /** A write fails without reaching the store. */
  readonly error?: number;
  /** A call waits `timeoutMs`, then fails without reaching the store. */
  readonly timeout?: number;
  readonly timeoutMs?: number;
  /** A call is delayed by `latencyMs`, then goes through. */
  readonly latency?: number;
  readonly latencyMs?: number;
  /** A write reaches the store and commits, then the caller gets an error anyway. */
  readonly executeAndTimeout?: number;
}

/** One injected fault, for the test to compare with what the engine did. */
export interface InjectedFault {
  readonly kind: FaultKind;
  readonly method: string;
  readonly jobId?: string;
  readonly taskId?: string | null;
}

const WRITES = new Set(['create', 'commit', 'put', 'acquire', 'release', 'deleteJob', 'putFlow', 'deleteFlow']);

/**
 * A {@link JobStore} decorator that injects faults at seeded rates: `error`, `timeout`,
 * `latency`, `executeAndTimeout`, and `unavailable` periods (every call rejects while the
 * store is down). Injected failures are `STORE_UNAVAILABLE` errors with
 * `details.injected` naming the fault. Timing goes through a Clock, so a manual clock
 * makes latency and timeouts exact. `close` is never faulted.
 */
export class FaultyJobStore implements JobStore {
  readonly injected: InjectedFault[] = [];
  readonly #inner: JobStore;
  readonly #random: () => number;
  readonly #clock: Pick<Clock, 'setTimeout'>;
  readonly #now: () => number;
  #faults: FaultConfig;
  #downUntil = -1;
  #down = false;

  constructor(inner: JobStore, options: { readonly seed: number; readonly faults?: FaultConfig; readonly clock?: Pick<Clock, 'setTimeout' | 'now'> }) {
    this.#inner = inner;
    this.#random = seededRandom(options.seed);
    this.#faults = options.faults ?? {};
    this.#clock = options.clock ?? systemClock;
    const clock = options.clock ?? systemClock;
    this.#now = () => clock.now();
  }

  /** Replaces the fault rates (for phases of a test). */
  setFaults(faults: FaultConfig): void {
    this.#faults = faults;
  }

  /** Every call rejects until {@link FaultyJobStore.goUp}, or for `forMs` of the clock when given. */
  goDown(forMs?: number): void {
    if (forMs === undefined) this.#down = true;
    else this.#downUntil = this.#now() + forMs;
  }

  /** Ends an unavailable period. */
  goUp(): void {
    this.#down = false;
    this.#downUntil = -1;
  }

  /** How many faults of `kind` were injected. */
  count(kind: FaultKind): number {
    return this.injected.filter((f) => f.kind === kind).length;
  }

  create(job: SerializedJobState, options?: { readonly flow?: string }): Promise<void> {
    return this.#call('create', { jobId: job.jobId }, () => this.#inner.create(job, options));
  }
  load(jobId: string): Promise<SerializedJobState | undefined> {
    return this.#call('load', { jobId }, () => this.#inner.load(jobId));
  }
  commit(commit: ActivationCommit): Promise<boolean> {
    return this.#call('commit', { jobId: commit.jobId, taskId: commit.taskId }, () => this.#inner.commit(commit));
  }
  put(job: SerializedJobState, options?: { readonly flow?: string; readonly fence?: number }): Promise<void> {
    return this.#call('put', { jobId: job.jobId }, () => this.#inner.put(job, options));
  }
  acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    return this.#call('acquire', { jobId }, () => this.#inner.acquire(jobId, owner, ttlMs));
  }
  release(lease: JobLease): Promise<void> {
    return this.#call('release', { jobId: lease.jobId }, () => this.#inner.release(lease));
  }
  listUnfinished(): Promise<readonly string[]> {
    return this.#call('listUnfinished', {}, () => this.#inner.listUnfinished());
  }
  listJobs(query?: ListJobsQuery): Promise<JobPage> {
    return this.#call('listJobs', {}, () => this.#inner.listJobs(query));
  }
  getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.#call('getJob', { jobId }, () => this.#inner.getJob(jobId));
  }
  deleteJob(jobId: string): Promise<boolean> {
    return this.#call('deleteJob', { jobId }, () => this.#inner.deleteJob(jobId));
  }
  putFlow(name: string, document: StoredJson): Promise<void> {
    return this.#call('putFlow', {}, () => this.#inner.putFlow(name, document));
  }
  deleteFlow(name: string): Promise<boolean> {
    return this.#call('deleteFlow', {}, () => this.#inner.deleteFlow(name));
  }
  listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    return this.#call('listFlows', {}, () => this.#inner.listFlows());
  }
  close(): Promise<void> {
    return this.#inner.close();
  }

  #fail(kind: FaultKind, method: string, ids: { jobId?: string; taskId?: string | null }): StoreError {
    this.injected.push({ kind, method, ...ids });
    return new StoreError(ErrorCode.STORE_UNAVAILABLE, `Injected fault ${kind} on ${method}${ids.jobId !== undefined ? ` (job ${ids.jobId})` : ''}.`, { details: { injected: kind, method, ...ids } });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#clock.setTimeout(resolve, ms));
  }

  /** Draws once per fault kind in a fixed order, so a seed gives the same faults for the same calls. */
  #roll(rate: number | undefined): boolean {
    const r = this.#random();
    return rate !== undefined && rate > 0 && r < rate;
  }

  async #call<T>(method: string, ids: { jobId?: string; taskId?: string | null }, run: () => Promise<T>): Promise<T> {
    const f = this.#faults;
    const write = WRITES.has(method);
    const rolls = { error: this.#roll(f.error), timeout: this.#roll(f.timeout), latency: this.#roll(f.latency), executeAndTimeout: this.#roll(f.executeAndTimeout) };
    if (this.#down || this.#now() < this.#downUntil) throw this.#fail('unavailable', method, ids);
    if (write && rolls.error) throw this.#fail('error', method, ids);
    if (rolls.timeout) {
      await this.#sleep(f.timeoutMs ?? 1000);
      throw this.#fail('timeout', method, ids);
    }
    if (rolls.latency) {
      this.injected.push({ kind: 'latency', method, ...ids });
      await this.#sleep(f.latencyMs ?? 100);
    }
    const out = await run();
    if (write && rolls.executeAndTimeout) throw this.#fail('executeAndTimeout', method, ids);
    return out;
  }
}
