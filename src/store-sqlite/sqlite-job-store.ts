import type Database from 'better-sqlite3';
import {
  ErrorCode,
  ExecutionError,
  InvalidArgumentError,
  StoreError,
  checkActivationCommit,
  checkLeaseRequest,
  checkListQuery,
  checkOptionalFlow,
  checkRetention,
  checkStoreName,
  checkStoredJob,
  copyStoredJson,
  encodeJobCursor,
  isFinishedStatus,
  isRoutiluxError,
} from '../index.js';
import type { ActivationCommit, CheckedCommit, Clock, JobLease, JobPage, JobStore, ListJobsQuery, RetentionOptions, SerializedJobState, StoredJobSummary, StoredJson } from '../index.js';
import { checksum } from './checksum.js';
import { type HeadState, applyCommitRows, readDocument, readHead, writeDocument } from './document-rows.js';
import { type SqliteSynchronous, openDatabase, storeError } from './open-database.js';
import { type LeaseRow, Statements, type ValueRow } from './statements.js';

/** Options of {@link SqliteJobStore}. */
export interface SqliteJobStoreOptions {
  /** The database file (created with its directory when missing). */
  readonly path: string;
  /**
   * `'sync'` (default): every commit is its own transaction, durable when its promise
   * resolves. `'batch'`: commits arriving within `batchMs` share one transaction; each
   * promise still resolves only once that transaction is durable.
   */
  readonly durability?: 'sync' | 'batch';
  /** How long `'batch'` collects commits before writing them (default 10 ms). */
  readonly batchMs?: number;
  /** SQLite's `synchronous`: `'full'` (default) survives power loss; `'normal'` only a process crash (see docs/persistence.md). */
  readonly synchronous?: SqliteSynchronous;
  /** Which finished jobs to keep. */
  readonly retention?: RetentionOptions;
  /** Time source for lease expiry and retention by age (default: the system clock). */
  readonly clock?: Pick<Clock, 'now'>;
}

interface Queued {
  readonly commit: CheckedCommit;
  readonly resolve: (applied: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Identifies a commit for the 'batch' ordering: its task id and attempt. */
const commitKey = (commit: CheckedCommit): string => `${commit.taskId ?? ''}\u0000${commit.attempt}`;

/** Commits a 'batch' store writes at most in one transaction. */
const MAX_BATCH = 1000;

/**
 * The embedded durable {@link JobStore} on SQLite (better-sqlite3, WAL mode, one writer
 * per file). A job is a head row plus one row per map entry, list item and pending task,
 * each with a checksum; a commit writes only the rows it changes, in one transaction.
 *
 * @example
 * const store = new SqliteJobStore({ path: 'var/jobs.db' });
 */
export class SqliteJobStore implements JobStore {
  /** The database file. */
  readonly path: string;
  /** The durability mode. */
  readonly durability: 'sync' | 'batch';
  /**
   * `true` in `'batch'` mode: a job's commits are applied in call order, in one transaction
   * or later ones, and after one fails with `STORE_UNAVAILABLE` the job's later commits are
   * refused until that one is made again (see {@link JobStore.ordered}).
   */
  readonly ordered: boolean;
  readonly #db: Database.Database;
  readonly #st: Statements;
  readonly #batchMs: number;
  readonly #retention: { readonly maxCount?: number; readonly maxAgeMs?: number };
  readonly #now: () => number;
  readonly #applyOne: (commit: CheckedCommit) => boolean;
  #queue: Queued[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #retentionDue = false;
  #closed = false;
  /** Per job, in 'batch' mode: the commit that failed with STORE_UNAVAILABLE (its key and error); later commits of the job are refused until it is made again. */
  readonly #broken = new Map<string, { readonly key: string; readonly error: unknown }>();

  constructor(options: SqliteJobStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'SqliteJobStore needs options { path, durability?, batchMs?, retention? }.');
    const { path, durability = 'sync', batchMs = 10, synchronous = 'full', clock } = options;
    if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `SqliteJobStore: path must be a file path; got ${typeof path}.`);
    if (durability !== 'sync' && durability !== 'batch') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `SqliteJobStore: durability must be 'sync' or 'batch'; got ${String(durability)}.`);
    if (typeof batchMs !== 'number' || !Number.isFinite(batchMs) || batchMs < 0) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `SqliteJobStore: batchMs must be a number >= 0; got ${String(batchMs)}.`);
    if (synchronous !== 'full' && synchronous !== 'normal') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `SqliteJobStore: synchronous must be 'full' or 'normal'; got ${String(synchronous)}.`);
    this.#retention = checkRetention(options.retention);
    this.path = path;
    this.durability = durability;
    this.ordered = durability === 'batch';
    this.#batchMs = batchMs;
    this.#now = clock === undefined ? Date.now : () => clock.now();
    this.#db = openDatabase(path, synchronous);
    this.#st = new Statements(this.#db);
    this.#applyOne = this.#db.transaction((commit: CheckedCommit) => this.#apply(commit));
  }

  async create(job: SerializedJobState, options: { readonly flow?: string } = {}): Promise<void> {
    const doc = checkStoredJob(job, 'create: job document');
    const flow = checkOptionalFlow(options);
    this.#write(doc.jobId, () => {
      if (this.#st.jobSeq.get(doc.jobId) !== undefined) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `create: job ${doc.jobId} already exists in the store; use put to replace it.`, { details: { jobId: doc.jobId } });
      }
      const state = writeDocument(this.#st, doc);
      this.#st.insertJob.run({ ...this.#jobColumns(state), jobId: doc.jobId, flow: flow ?? null });
      if (isFinishedStatus(doc.status)) this.#retentionDue = true;
    });
    this.#broken.delete(doc.jobId);
  }

  async load(jobId: string): Promise<SerializedJobState | undefined> {
    checkStoreName(jobId, 'load: jobId');
    this.#ready();
    try {
      const row = this.#st.head.get(jobId) as { head: string; crc: number } | undefined;
      if (row === undefined) return undefined;
      const head = readHead(jobId, row);
      const rows = [...(this.#st.maps.iterate(jobId) as Iterable<ValueRow>), ...(this.#st.lists.iterate(jobId) as Iterable<ValueRow>), ...(this.#st.tasks.iterate(jobId) as Iterable<ValueRow>)];
      return readDocument(jobId, head, rows);
    } catch (error) {
      throw storeError(error, this.path, jobId);
    }
  }

  async commit(commit: ActivationCommit): Promise<boolean> {
    const checked = checkActivationCommit(commit);
    this.#open();
    if (this.durability === 'sync') return this.#write(checked.jobId, () => this.#applyOne(checked), false);
    const broken = this.#broken.get(checked.jobId);
    if (broken !== undefined && broken.key !== commitKey(checked)) throw broken.error;
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ commit: checked, resolve, reject });
      if (this.#queue.length >= MAX_BATCH) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#batchMs);
    });
  }

  async put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number } = {}): Promise<void> {
    const doc = checkStoredJob(job, 'put: job document');
    const flow = checkOptionalFlow(options);
    const fence = (options as { fence?: unknown }).fence;
    if (fence !== undefined && (!Number.isInteger(fence) || (fence as number) < 0)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `put: fence must be an integer >= 0; got ${String(fence)}.`, { details: { jobId: doc.jobId } });
    }
    this.#write(doc.jobId, () => {
      this.#checkFence(doc.jobId, fence as number | undefined);
      const existing = this.#st.jobSeq.get(doc.jobId) as { seq: number } | undefined;
      if (existing !== undefined) this.#st.deleteDocumentRows(doc.jobId);
      const state = writeDocument(this.#st, doc);
      if (existing === undefined) this.#st.insertJob.run({ ...this.#jobColumns(state), jobId: doc.jobId, flow: flow ?? null });
      else {
        this.#st.updateJob.run({ ...this.#jobColumns(state), seq: existing.seq });
        if (flow !== undefined) this.#st.setFlow.run(flow, existing.seq);
      }
      if (isFinishedStatus(doc.status)) this.#retentionDue = true;
    });
    this.#broken.delete(doc.jobId); // the whole document is written again: the job's commits may go on
  }

  async acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    checkLeaseRequest(jobId, owner, ttlMs);
    return this.#write(jobId, () => {
      const now = this.#now();
      const row = this.#st.lease.get(jobId) as LeaseRow | undefined;
      if (row !== undefined && row.owner !== null && row.owner !== owner && row.expires_at > now) return undefined;
      const fence = (row?.fence ?? 0) + 1;
      this.#st.upsertLease.run(jobId, owner, fence, now + ttlMs);
      return { jobId, fence };
    });
  }

  async release(lease: JobLease): Promise<void> {
    this.#write(lease.jobId, () => void this.#st.releaseLease.run(lease.jobId, lease.fence));
  }

  async listUnfinished(): Promise<readonly string[]> {
    this.#ready();
    return this.#read(() => this.#st.unfinished.all() as string[]);
  }

  async listJobs(query?: ListJobsQuery): Promise<JobPage> {
    const q = checkListQuery(query);
    this.#ready();
    if (this.#retention.maxAgeMs !== undefined) {
      this.#retentionDue = true;
      this.#runRetention();
    }
    return this.#read(() => {
      const rows = this.#st.page(q.status !== undefined, q.flow !== undefined, q.after !== undefined).all({
        status: q.status ?? null,
        flow: q.flow ?? null,
        createdAt: q.after?.createdAt ?? null,
        seq: q.after?.seq ?? null,
        limit: q.limit + 1,
      }) as Array<StoredJobSummary & { flow: string | null; seq: number }>;
      const items = rows.slice(0, q.limit).map(({ seq: _seq, flow, ...rest }) => ({ ...rest, ...(flow !== null ? { flow } : {}) }) as StoredJobSummary);
      const last = rows[q.limit - 1];
      return { items, nextCursor: rows.length > q.limit && last !== undefined ? encodeJobCursor({ createdAt: last.createdAt, seq: last.seq }) : null };
    });
  }

  async getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.load(jobId);
  }

  async deleteJob(jobId: string): Promise<boolean> {
    checkStoreName(jobId, 'deleteJob: jobId');
    return this.#write(jobId, () => {
      const row = this.#st.jobSeq.get(jobId) as { status: string } | undefined;
      if (row === undefined) return false;
      if (!isFinishedStatus(row.status)) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `deleteJob: job ${jobId} is ${row.status}; only a completed, failed or cancelled job can be deleted (cancel it first).`, { details: { jobId, status: row.status } });
      }
      this.#st.deleteJobRows(jobId);
      return true;
    });
  }

  async putFlow(name: string, document: StoredJson): Promise<void> {
    checkStoreName(name, 'putFlow: name');
    const text = JSON.stringify(copyStoredJson(document, `putFlow: flow ${name}`));
    this.#write(undefined, () => void this.#st.upsertFlow.run(name, text, checksum(text)));
  }

  async deleteFlow(name: string): Promise<boolean> {
    checkStoreName(name, 'deleteFlow: name');
    return this.#write(undefined, () => this.#st.deleteFlow.run(name).changes > 0);
  }

  async listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    this.#ready();
    return this.#read(() =>
      (this.#st.flows.all() as Array<{ name: string; document: string; crc: number }>).map(({ name, document, crc }) => {
        if (checksum(document) !== crc) {
          throw new StoreError(ErrorCode.CORRUPT_STATE, `Flow document ${name} in SQLite store ${this.path} does not match its checksum; register the flow again.`, { details: { flow: name } });
        }
        return { name, document: JSON.parse(document) as StoredJson };
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#flush();
    } finally {
      this.#closed = true;
      this.#db.close();
    }
  }

  #open(): void {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, `This SqliteJobStore (${this.path}) is closed; create a new store.`);
  }

  /** Open, with every queued commit written (reads see every commit made before them). */
  #ready(): void {
    this.#open();
    this.#flush();
  }

  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeError(error, this.path);
    }
  }

  /** Runs `fn` in its own transaction after the queued commits, then the retention it made due. */
  #write<T>(jobId: string | undefined, fn: () => T, transaction = true): T {
    this.#ready();
    let out: T;
    try {
      out = transaction ? this.#db.transaction(fn)() : fn();
    } catch (error) {
      throw storeError(error, this.path, jobId);
    }
    this.#runRetention();
    return out;
  }

  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    const results: Array<{ ok: boolean } | { error: unknown }> = [];
    const brokenBefore = new Map(this.#broken);
    try {
      this.#db.transaction(() => {
        for (const item of batch) {
          const { jobId } = item.commit;
          const key = commitKey(item.commit);
          const broken = this.#broken.get(jobId);
          if (broken !== undefined && broken.key !== key) {
            results.push({ error: broken.error }); // an earlier commit of the job is missing: this one must not land before it
            continue;
          }
          try {
            results.push({ ok: this.#applyOne(item.commit) });
            if (broken !== undefined) this.#broken.delete(jobId);
          } catch (error) {
            const failure = storeError(error, this.path, jobId);
            if (isRoutiluxError(failure) && failure.code === ErrorCode.STORE_UNAVAILABLE) this.#broken.set(jobId, { key, error: failure });
            results.push({ error: failure });
          }
        }
      })();
    } catch (error) {
      const failure = storeError(error, this.path);
      // nothing of the group was written: each job's first commit in it is the one to make again
      this.#broken.clear();
      for (const [jobId, b] of brokenBefore) this.#broken.set(jobId, b);
      for (const item of batch) if (!this.#broken.has(item.commit.jobId)) this.#broken.set(item.commit.jobId, { key: commitKey(item.commit), error: failure });
      for (const item of batch) item.reject(failure);
      return;
    }
    batch.forEach((item, i) => {
      const r = results[i]!;
      if ('ok' in r) item.resolve(r.ok);
      else item.reject(r.error);
    });
    this.#runRetention();
  }

  #apply(commit: CheckedCommit): boolean {
    const row = this.#st.head.get(commit.jobId) as { seq: number; next_pos: number; next_ord: number; head: string; crc: number } | undefined;
    if (row === undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${commit.jobId}: the store has no such job; create it first.`, { details: { jobId: commit.jobId } });
    }
    this.#checkFence(commit.jobId, commit.fence);
    if (commit.taskId !== null && this.#st.insertCommit.run(commit.jobId, commit.taskId, commit.attempt).changes === 0) return false;
    const state: HeadState = { head: readHead(commit.jobId, row), nextPos: row.next_pos, nextOrd: row.next_ord };
    applyCommitRows(this.#st, commit, state);
    this.#st.updateJob.run({ ...this.#jobColumns(state), seq: row.seq });
    if (isFinishedStatus(state.head['status'] as string)) this.#retentionDue = true;
    return true;
  }

  #jobColumns(state: HeadState): Record<string, unknown> {
    const head = JSON.stringify(state.head);
    const updatedAt = state.head['updatedAt'] as string;
    return { flowId: state.head['flowId'], status: state.head['status'], createdAt: state.head['createdAt'], updatedAt, updatedMs: Date.parse(updatedAt), nextPos: state.nextPos, nextOrd: state.nextOrd, head, crc: checksum(head) };
  }

  #checkFence(jobId: string, fence: number | undefined): void {
    if (fence === undefined) return;
    const row = this.#st.lease.get(jobId) as LeaseRow | undefined;
    if (row === undefined || fence >= row.fence) return;
    throw new StoreError(ErrorCode.STALE_WRITE, `Job ${jobId}: write with lease fence ${fence} refused; a newer lease (fence ${row.fence}) was taken since, so this writer no longer owns the job.`, {
      details: { jobId, fence, current: row.fence },
    });
  }

  #runRetention(): void {
    if (!this.#retentionDue) return;
    this.#retentionDue = false;
    const { maxCount, maxAgeMs } = this.#retention;
    if (maxCount === undefined && maxAgeMs === undefined) return;
    try {
      this.#db.transaction(() => {
        const victims = new Set<string>();
        if (maxCount !== undefined) for (const id of this.#st.finishedBeyond.all(maxCount) as string[]) victims.add(id);
        if (maxAgeMs !== undefined) for (const id of this.#st.finishedBefore.all(this.#now() - maxAgeMs) as string[]) victims.add(id);
        for (const id of victims) this.#st.deleteJobRows(id);
        if (victims.size > 0) this.#db.pragma('incremental_vacuum');
      })();
    } catch (error) {
      throw storeError(error, this.path);
    }
  }
}
