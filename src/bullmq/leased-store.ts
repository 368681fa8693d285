import { ErrorCode, StoreError } from '../index.js';
import type { ActivationCommit, JobLease, JobPage, JobStatus, JobStore, ListJobsQuery, SerializedJobState, StoredJson } from '../index.js';

/** A job a worker holds: its lease, and who waits for what its writes say. */
export interface Holding {
  readonly lease: JobLease;
  /** The job was registered by a client before it started: the engine's `create` replaces that document. */
  readonly registered: boolean;
  /** The status the next whole-document write records instead of the one it carries (a job resumed from its stored `running` state goes through the engine as paused). */
  resumeAs: JobStatus | undefined;
  /** Called after each successful write that carried a status. */
  onStatus(status: JobStatus): void;
  /** Called when a write of this job was refused or failed. */
  onWriteFailed(error: Error): void;
}

/**
 * The job store a worker's Runtime commits through: every write of a job carries the fence
 * of the lease the worker holds on it, so once another worker took the job over the store
 * refuses the write with `STALE_WRITE` and it changes nothing. A write for a job the worker
 * does not hold (any more) is refused the same way before it reaches Redis.
 */
export class LeasedStore implements JobStore {
  readonly #held = new Map<string, Holding>();

  constructor(private readonly inner: JobStore) {}

  /** Starts attributing the writes of `holding.lease.jobId` to its lease. */
  hold(holding: Holding): void {
    this.#held.set(holding.lease.jobId, holding);
  }

  /** Stops holding a job: its later writes are refused. */
  drop(holding: Holding): void {
    if (this.#held.get(holding.lease.jobId) === holding) this.#held.delete(holding.lease.jobId);
  }

  async create(job: SerializedJobState, options?: { readonly flow?: string }): Promise<void> {
    const holding = this.#holding(job.jobId);
    await this.#watch(holding, job.status as JobStatus, () => (holding.registered ? this.inner.put(job, { ...options, fence: holding.lease.fence }) : this.inner.create(job, options)));
  }

  async put(job: SerializedJobState, options?: { readonly flow?: string; readonly fence?: number }): Promise<void> {
    const holding = this.#holding(job.jobId);
    const as = holding.resumeAs;
    holding.resumeAs = undefined;
    const doc = as === undefined ? job : { ...job, status: as };
    await this.#watch(holding, doc.status as JobStatus, () => this.inner.put(doc, { ...options, fence: holding.lease.fence }));
  }

  async commit(commit: ActivationCommit): Promise<boolean> {
    const holding = this.#holding(commit.jobId);
    const status = commit.changes.set?.['status'];
    return this.#watch(holding, typeof status === 'string' ? (status as JobStatus) : undefined, () => this.inner.commit({ ...commit, fence: holding.lease.fence }));
  }

  load(jobId: string): Promise<SerializedJobState | undefined> {
    return this.inner.load(jobId);
  }
  acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    return this.inner.acquire(jobId, owner, ttlMs);
  }
  release(lease: JobLease): Promise<void> {
    return this.inner.release(lease);
  }
  listUnfinished(): Promise<readonly string[]> {
    return this.inner.listUnfinished();
  }
  listJobs(query?: ListJobsQuery): Promise<JobPage> {
    return this.inner.listJobs(query);
  }
  getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.inner.getJob(jobId);
  }
  deleteJob(jobId: string): Promise<boolean> {
    return this.inner.deleteJob(jobId);
  }
  putFlow(name: string, document: StoredJson): Promise<void> {
    return this.inner.putFlow(name, document);
  }
  deleteFlow(name: string): Promise<boolean> {
    return this.inner.deleteFlow(name);
  }
  listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    return this.inner.listFlows();
  }
  /** The worker closes the store it wraps itself. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  #holding(jobId: string): Holding {
    const holding = this.#held.get(jobId);
    if (holding === undefined) {
      throw new StoreError(ErrorCode.STALE_WRITE, `Job ${jobId}: write refused; this worker does not hold the job's lease (it finished its turn or was taken over).`, { details: { jobId } });
    }
    return holding;
  }

  async #watch<T>(holding: Holding, status: JobStatus | undefined, write: () => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await write();
    } catch (error) {
      holding.onWriteFailed(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (status !== undefined) holding.onStatus(status);
    return out;
  }
}
