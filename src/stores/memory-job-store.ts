import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError } from '../errors/routilux-error.js';
import type { ActivationCommit, JobLease, JobPage, JobStore, ListJobsQuery, RetentionOptions, StoredJson } from '../ports/job-store.js';
import type { Clock } from '../runtime/clock.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import { JobTable } from './job-table.js';

/** Options of {@link MemoryJobStore}. */
export interface MemoryJobStoreOptions {
  /** Which finished jobs to keep (the others are removed when a job finishes or jobs are listed). */
  readonly retention?: RetentionOptions;
  /** Time source for lease expiry and retention by age (default: the system clock). */
  readonly clock?: Pick<Clock, 'now'>;
}

/**
 * The in-memory {@link JobStore}: the reference semantics of the port and the default
 * store. Everything is copied in and out; a commit is checked and applied to a copy that
 * replaces the job only when it fits, so a refused commit changes nothing. Nothing
 * survives the process.
 */
export class MemoryJobStore implements JobStore {
  readonly #table: JobTable;
  #closed = false;

  constructor(options: MemoryJobStoreOptions = {}) {
    const clock = options.clock;
    this.#table = new JobTable(options.retention, clock === undefined ? Date.now : () => clock.now());
  }

  async create(job: SerializedJobState, options: { readonly flow?: string } = {}): Promise<void> {
    this.#open().create(job, options);
  }

  async load(jobId: string): Promise<SerializedJobState | undefined> {
    return this.#open().load(jobId);
  }

  async commit(commit: ActivationCommit): Promise<boolean> {
    return this.#open().commit(commit);
  }

  async put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number } = {}): Promise<void> {
    this.#open().put(job, options);
  }

  async acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    return this.#open().acquire(jobId, owner, ttlMs);
  }

  async release(lease: JobLease): Promise<void> {
    this.#open().release(lease);
  }

  async listUnfinished(): Promise<readonly string[]> {
    return this.#open().listUnfinished();
  }

  async listJobs(query?: ListJobsQuery): Promise<JobPage> {
    return this.#open().listJobs(query);
  }

  async getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.load(jobId);
  }

  async deleteJob(jobId: string): Promise<boolean> {
    return this.#open().deleteJob(jobId);
  }

  async putFlow(name: string, document: StoredJson): Promise<void> {
    this.#open().putFlow(name, document);
  }

  async deleteFlow(name: string): Promise<boolean> {
    return this.#open().deleteFlow(name);
  }

  async listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    return this.#open().listFlows();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): JobTable {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, 'This MemoryJobStore is closed; create a new store.');
    return this.#table;
  }
}
