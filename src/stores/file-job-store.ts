// A JobStore on the file system: one JSON document per job, in the format `jobState.save`
// writes (and `JobState.load` reads), so a saved file and a stored job are the same thing.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import type { ActivationCommit, JobLease, JobPage, JobStore, ListJobsQuery, StoredJson, StoredJobSummary } from '../ports/job-store.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import { assertName, describe } from '../utils/guards.js';
import { checkActivationCommit } from './activation-commit.js';
import { applyActivationCommit } from './apply-commit.js';
import { checkStoredJob } from './job-document.js';
import { loadJobDocument, saveJobDocument } from './json-file.js';

/** Options of {@link FileJobStore}. */
export interface FileJobStoreOptions {
  /** Directory of the store (created on first write): `jobs/<jobId>.json`, `jobs/<jobId>.meta.json`, `flows/<name>.json`. */
  readonly directory: string;
}

interface JobMeta {
  flow?: string;
  /** `taskId/attempt` of every activation committed. */
  committed: string[];
}

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * A {@link JobStore} that keeps each job as a JSON file (the format of `jobState.save`),
 * replaced atomically on every write. Writes to one job are applied one after the other.
 * Leases are held in this process only: the store suits one process at a time (a second
 * process opening the same directory is not detected).
 *
 * @example
 * const runtime = new Runtime({ store: new FileJobStore({ directory: './state' }) });
 */
export class FileJobStore implements JobStore {
  private readonly directory: string;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly leases = new Map<string, { owner: string; fence: number; until: number }>();
  private readonly fences = new Map<string, number>();
  private closed = false;

  constructor(options: FileJobStoreOptions) {
    if (typeof options !== 'object' || options === null || typeof options.directory !== 'string' || options.directory.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `FileJobStore needs { directory: string }; got ${describe(options)}.`);
    }
    for (const key of Object.keys(options)) {
      if (key !== 'directory') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Unknown FileJobStore option "${key}"; known options: directory.`, { details: { option: key } });
    }
    this.directory = options.directory;
  }

  /** Stores a new job document. A second create of the same id is `INVALID_ARGUMENT`. */
  create(job: SerializedJobState, options: { readonly flow?: string } = {}): Promise<void> {
    return this.serial(job.jobId, async () => {
      if ((await this.read(job.jobId)) !== undefined) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Job ${job.jobId} is already in the store; create each job once (put replaces a document).`, { details: { jobId: job.jobId } });
      }
      await this.writeMeta(job.jobId, { ...(options.flow !== undefined ? { flow: options.flow } : {}), committed: [] });
      await saveJobDocument(this.jobPath(job.jobId), job, 'FileJobStore.create');
    });
  }

  /** The job's current document, or `undefined`. */
  load(jobId: string): Promise<SerializedJobState | undefined> {
    return this.serial(jobId, () => this.read(jobId));
  }

  /** Applies one commit; `false` when that `{ taskId, attempt }` was already committed. */
  commit(commit: ActivationCommit): Promise<boolean> {
    return this.serial(commit.jobId, async () => {
      const doc = await this.read(commit.jobId);
      if (doc === undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `No job ${commit.jobId} in the store; create it before committing to it.`, { details: { jobId: commit.jobId } });
      const meta = await this.readMeta(commit.jobId);
      const key = commit.taskId === null ? undefined : `${commit.taskId}/${commit.attempt}`;
      if (key !== undefined && meta.committed.includes(key)) return false;
      // the document carries the commit; the meta file only remembers it for idempotency
      await saveJobDocument(this.jobPath(commit.jobId), applyActivationCommit(doc, checkActivationCommit(commit)), 'FileJobStore.commit');
      if (key !== undefined) await this.writeMeta(commit.jobId, { ...meta, committed: [...meta.committed, key] });
      return true;
    });
  }

  /** Replaces a job's whole document. */
  put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number } = {}): Promise<void> {
    return this.serial(job.jobId, async () => {
      const meta = await this.readMeta(job.jobId);
      await this.writeMeta(job.jobId, { ...meta, ...(options.flow !== undefined ? { flow: options.flow } : {}) });
      await saveJobDocument(this.jobPath(job.jobId), job, 'FileJobStore.put');
    });
  }

  /** Takes the job's lease (per process); `undefined` while another owner's lease is valid. */
  async acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    const now = Date.now();
    const held = this.leases.get(jobId);
    if (held !== undefined && held.owner !== owner && held.until > now) return undefined;
    const fence = (this.fences.get(jobId) ?? 0) + 1;
    this.fences.set(jobId, fence);
    this.leases.set(jobId, { owner, fence, until: now + ttlMs });
    return { jobId, fence };
  }

  /** Gives a lease back. */
  async release(lease: JobLease): Promise<void> {
    if (this.leases.get(lease.jobId)?.fence === lease.fence) this.leases.delete(lease.jobId);
  }

  /** Ids of unfinished jobs. */
  async listUnfinished(): Promise<readonly string[]> {
    return (await this.summaries()).filter((s) => !FINISHED.has(s.status)).map((s) => s.jobId);
  }

  /** Jobs newest first (by `createdAt`), filtered and paged; the cursor is the offset of the next page. */
  async listJobs(query: ListJobsQuery = {}): Promise<JobPage> {
    const limit = query.limit ?? 50;
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    if (!Number.isInteger(start) || start < 0) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `listJobs cursor ${describe(query.cursor)} is not one this store returned.`);
    const all = (await this.summaries())
      .filter((s) => (query.status === undefined || s.status === query.status) && (query.flow === undefined || s.flow === query.flow))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const items = all.slice(start, start + limit);
    return { items, nextCursor: start + limit < all.length ? String(start + limit) : null };
  }

  /** Same as {@link FileJobStore.load}. */
  getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.load(jobId);
  }

  /** Deletes a finished job; an unfinished one is `INVALID_ARGUMENT`; `false` when unknown. */
  deleteJob(jobId: string): Promise<boolean> {
    return this.serial(jobId, async () => {
      const doc = await this.read(jobId);
      if (doc === undefined) return false;
      if (!FINISHED.has(doc.status)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Job ${jobId} is ${doc.status}; only a finished job can be deleted (cancel it first).`, { details: { jobId, status: doc.status } });
      await rm(this.jobPath(jobId), { force: true });
      await rm(this.metaPath(jobId), { force: true });
      return true;
    });
  }

  /** Stores a flow document under `name`. */
  putFlow(name: string, document: StoredJson): Promise<void> {
    assertName(name, 'flow name');
    return saveJobDocument(join(this.directory, 'flows', `${name}.json`), document, 'FileJobStore.putFlow');
  }

  /** Deletes a flow document; `false` when unknown. */
  async deleteFlow(name: string): Promise<boolean> {
    assertName(name, 'flow name');
    const path = join(this.directory, 'flows', `${name}.json`);
    const existed = (await this.tryLoad(path)) !== undefined;
    await rm(path, { force: true });
    return existed;
  }

  /** Every stored flow document. */
  async listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    const out: { name: string; document: StoredJson }[] = [];
    for (const file of await this.names('flows')) {
      if (!file.endsWith('.json')) continue;
      const document = await this.tryLoad(join(this.directory, 'flows', file));
      if (document !== undefined) out.push({ name: file.slice(0, -5), document: document as StoredJson });
    }
    return out;
  }

  /** Waits for the writes under way; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.queues.values()]);
  }

  private serial<T>(jobId: string, op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ExecutionError(ErrorCode.INVALID_STATE, 'This FileJobStore is closed; open a new one.'));
    try {
      assertName(jobId, 'jobId');
    } catch (error) {
      return Promise.reject(error);
    }
    const next = (this.queues.get(jobId) ?? Promise.resolve()).then(op, op);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(jobId, settled);
    void settled.then(() => {
      if (this.queues.get(jobId) === settled) this.queues.delete(jobId);
    });
    return next;
  }

  private jobPath(jobId: string): string {
    return join(this.directory, 'jobs', `${jobId}.json`);
  }

  private metaPath(jobId: string): string {
    return join(this.directory, 'jobs', `${jobId}.meta.json`);
  }

  private async read(jobId: string): Promise<SerializedJobState | undefined> {
    const doc = await this.tryLoad(this.jobPath(jobId));
    return doc === undefined ? undefined : checkStoredJob(doc as SerializedJobState, `FileJobStore: job ${jobId}`);
  }

  private async readMeta(jobId: string): Promise<JobMeta> {
    const meta = (await this.tryLoad(this.metaPath(jobId))) as JobMeta | undefined;
    return meta ?? { committed: [] };
  }

  private writeMeta(jobId: string, meta: JobMeta): Promise<void> {
    return saveJobDocument(this.metaPath(jobId), meta, 'FileJobStore');
  }

  private async tryLoad(path: string): Promise<unknown> {
    try {
      return await loadJobDocument(path, 'FileJobStore');
    } catch (error) {
      if ((error as { code?: string }).code === ErrorCode.FILE_NOT_FOUND) return undefined;
      throw error;
    }
  }

  private async names(folder: string): Promise<string[]> {
    try {
      return await readdir(join(this.directory, folder));
    } catch {
      return [];
    }
  }

  private async summaries(): Promise<StoredJobSummary[]> {
    const out: StoredJobSummary[] = [];
    for (const file of await this.names('jobs')) {
      if (!file.endsWith('.json') || file.endsWith('.meta.json')) continue;
      const jobId = file.slice(0, -5);
      const doc = await this.read(jobId);
      if (doc === undefined) continue;
      const meta = await this.readMeta(jobId);
      out.push({ jobId, flowId: doc.flowId, ...(meta.flow !== undefined ? { flow: meta.flow } : {}), status: doc.status as StoredJobSummary['status'], createdAt: doc.createdAt, updatedAt: doc.updatedAt });
    }
    return out;
  }
}
