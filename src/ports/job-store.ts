// The durable-store port. The engine commits through it; adapters (memory, file, SQLite,
// Redis) implement it. It knows nothing of the engine: it stores serialized job documents
// (`jobState.serialize()` output) and applies activation commits expressed as changes to
// that document, so every adapter can store it as one JSON value or as normalized rows.
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import type { JobStatus } from '../state/job-types.js';

/** A JSON value as stored by a {@link JobStore}. */
export type StoredJson = null | boolean | number | string | readonly StoredJson[] | { readonly [key: string]: StoredJson };

/** How an activation ended, as recorded in its commit. */
export type CommitOutcome = 'completed' | 'failed' | 'retrying' | 'continued' | 'skipped';

/**
 * The changes one activation made to its job's serialized document
 * (the keys are those of {@link SerializedJobState}).
 *
 * - `set`: top-level fields replaced whole (`status`, `error`, `updatedAt`, `currentRoutineId`,
 *   `nextTaskSeq`, `elapsedMs`, `historyDropped`, `tracker`, `steps`, …; `null` removes an
 *   optional field).
 * - `entries`: keyed maps changed entry by entry (`routineStates`, `sharedData`,
 *   `retryCounts`, `slotBuffers` keyed `routineId\u0000slotName`, `slotQueues`, …); a `null`
 *   value deletes the entry.
 * - `append`: items appended to list fields (`executionHistory`, `sharedLog`, `outputLog`,
 *   `pausePoints`, `deferredEvents`); after appending, `executionHistory` keeps its newest
 *   `historyLimit` items.
 */
export interface JobChanges {
  readonly set?: Readonly<Record<string, StoredJson>>;
  readonly entries?: Readonly<Record<string, Readonly<Record<string, StoredJson | null>>>>;
  readonly append?: Readonly<Record<string, readonly StoredJson[]>>;
}

/** A pending task as stored (the `pendingTasks` items of a serialized job). */
export type StoredTask = SerializedJobState['pendingTasks'][number];

/**
 * One activation's commit: everything it changed, written atomically. Committing the same
 * `{ jobId, taskId, attempt }` twice is a no-op that resolves `false` (idempotent).
 */
export interface ActivationCommit {
  readonly jobId: string;
  /** The activation's task id (`null` for a job-level change that no activation made, such as a pause or cancel). */
  readonly taskId: string | null;
  readonly attempt: number;
  readonly outcome?: CommitOutcome;
  readonly changes: JobChanges;
  /** Tasks this activation produced (emits, a retry of itself), in order. */
  readonly produced: readonly StoredTask[];
  /** Task ids consumed by this commit (its own task, merged deliveries). */
  readonly consumed: readonly string[];
  /** Fencing token of the writer's lease; a store that holds a newer one rejects the write with `STALE_WRITE`. */
  readonly fence?: number;
}

/** A job as listed by a store (the HTTP API's job summary is built from it). */
export interface StoredJobSummary {
  readonly jobId: string;
  readonly flowId: string;
  /** The registry name the job was started under, when known. */
  readonly flow?: string;
  readonly status: JobStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Filters and page of {@link JobStore.listJobs}. */
export interface ListJobsQuery {
  readonly status?: JobStatus;
  readonly flow?: string;
  /** Page size, default 50. */
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

/** One page of jobs, newest first. */
export interface JobPage {
  readonly items: readonly StoredJobSummary[];
  /** `null` on the last page. */
  readonly nextCursor: string | null;
}

/** Retention of finished jobs, given to every store constructor. */
export interface RetentionOptions {
  readonly finished?: { readonly maxCount?: number; readonly maxAgeMs?: number };
}

/** A lease on a job held by one runtime (single-writer per job; fencing for takeover). */
export interface JobLease {
  readonly jobId: string;
  /** Monotonic per job: each new lease on the job gets a larger token. */
  readonly fence: number;
}

/**
 * The durable-store port: the engine creates jobs, commits each activation atomically and
 * reloads unfinished jobs after a restart. Every adapter passes
 * `describeJobStoreConformance` from `routilux/testing`.
 */
export interface JobStore {
  /**
   * `true` when the store applies each job's commits in call order, every commit in the same
   * transaction as the one called before it or a later one, and, once a commit of a job fails
   * with `STORE_UNAVAILABLE`, refuses the job's later commits (without applying them) until
   * that commit is made again or the job is `put`. A crash then loses at most the latest
   * commits of a job, never one in the middle. The engine hands such a store a job's next
   * commit without waiting for the previous one to be durable, and runs the work a commit
   * records as soon as the commit is handed over. Absent: each commit is awaited first.
   */
  readonly ordered?: boolean;
  /** Stores a new job document (`flow`: its registry name). A second create of the same id is `INVALID_ARGUMENT`. */
  create(job: SerializedJobState, options?: { readonly flow?: string }): Promise<void>;
  /** The job's current document, or `undefined`; an unreadable one rejects with `CORRUPT_STATE` naming the job. */
  load(jobId: string): Promise<SerializedJobState | undefined>;
  /** Applies one activation's commit atomically; `false` when that `{ taskId, attempt }` was already committed. */
  commit(commit: ActivationCommit): Promise<boolean>;
  /** Replaces a job's whole document (pause, resume, cancel, a saved job put back). */
  put(job: SerializedJobState, options?: { readonly flow?: string; readonly fence?: number }): Promise<void>;
  /** Takes the job's lease for this runtime (a new fencing token); `undefined` when another live holder has it. */
  acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined>;
  /** Gives a lease back. */
  release(lease: JobLease): Promise<void>;
  /** Ids of unfinished jobs (pending, running, paused) — what `runtime.recover()` reloads. */
  listUnfinished(): Promise<readonly string[]>;
  listJobs(query?: ListJobsQuery): Promise<JobPage>;
  /** Same as {@link JobStore.load}: the serialized job, or `undefined`. */
  getJob(jobId: string): Promise<SerializedJobState | undefined>;
  /** Deletes a finished job; an unfinished one is `INVALID_ARGUMENT`. `false` when unknown. */
  deleteJob(jobId: string): Promise<boolean>;
  /** Flow documents registered through the HTTP API, kept so they come back after a restart. */
  putFlow(name: string, document: StoredJson): Promise<void>;
  deleteFlow(name: string): Promise<boolean>;
  listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>>;
  /** Closes the store; idempotent. */
  close(): Promise<void>;
}
