import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { StoreError } from '../errors/store-error.js';
import type { ActivationCommit, JobLease, JobPage, JobStore, ListJobsQuery, RetentionOptions, StoredJobSummary, StoredJson } from '../ports/job-store.js';
import type { Clock } from '../runtime/clock.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import type { JobStatus } from '../state/job-types.js';
import { checkActivationCommit, commitKey } from './activation-commit.js';
import { applyActivationCommit } from './apply-commit.js';
import { checkStoredJob, isFinishedStatus } from './job-document.js';
import { checkLeaseRequest, checkName, checkOptionalFlow } from './store-arguments.js';
import { checkListQuery, checkRetention, compareNewestFirst, encodeJobCursor } from './job-listing.js';
import { copyStoredJson } from './stored-json.js';

/** Options of {@link MemoryJobStore}. */
export interface MemoryJobStoreOptions {
  /** Which finished jobs to keep (the others are removed when a job finishes or jobs are listed). */
  readonly retention?: RetentionOptions;
  /** Time source for lease expiry and retention by age (default: the system clock). */
  readonly clock?: Pick<Clock, 'now'>;
}

interface Held {
  doc: SerializedJobState;
  flow: string | undefined;
  readonly seq: number;
  readonly committed: Set<string>;
}

interface Lease {
  readonly owner: string;
  readonly fence: number;
  readonly expiresAt: number;
}

/**
 * The in-memory {@link JobStore}: the reference semantics of the port and the default
 * store. Everything is copied in and out; a commit is checked and applied to a copy that
 * replaces the job only when it fits, so a refused commit changes nothing. Nothing
 * survives the process.
 */
export class MemoryJobStore implements JobStore {
  readonly #jobs = new Map<string, Held>();
  readonly #leases = new Map<string, Lease>();
  readonly #fences = new Map<string, number>();
  readonly #flows = new Map<string, StoredJson>();
  readonly #retention: { readonly maxCount?: number; readonly maxAgeMs?: number };
  readonly #now: () => number;
  #seq = 0;
  #closed = false;

  constructor(options: MemoryJobStoreOptions = {}) {
    this.#retention = checkRetention(options.retention);
    const clock = options.clock;
    this.#now = clock === undefined ? Date.now : () => clock.now();
  }

  async create(job: SerializedJobState, options: { readonly flow?: string } = {}): Promise<void> {
    this.#open();
    const doc = checkStoredJob(job, 'create: job document');
    const flow = checkOptionalFlow(options);
    if (this.#jobs.has(doc.jobId)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `create: job ${doc.jobId} already exists in the store; use put to replace it.`, { details: { jobId: doc.jobId } });
    }
    this.#jobs.set(doc.jobId, { doc, flow, seq: ++this.#seq, committed: new Set() });
    if (isFinishedStatus(doc.status)) this.#applyRetention();
  }

  async load(jobId: string): Promise<SerializedJobState | undefined> {
    this.#open();
    const held = this.#jobs.get(checkName(jobId, 'load: jobId'));
    return held === undefined ? undefined : (copyStoredJson(held.doc, `job ${jobId}`) as unknown as SerializedJobState);
  }

  async commit(commit: ActivationCommit): Promise<boolean> {
    this.#open();
    const checked = checkActivationCommit(commit);
    const held = this.#jobs.get(checked.jobId);
    if (held === undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${checked.jobId}: the store has no such job; create it first.`, { details: { jobId: checked.jobId } });
    }
    this.#checkFence(checked.jobId, checked.fence);
    const key = commitKey(checked);
    if (key !== undefined && held.committed.has(key)) return false;
    const next = applyActivationCommit(held.doc, checked);
    held.doc = next;
    if (key !== undefined) held.committed.add(key);
    if (isFinishedStatus(next.status)) this.#applyRetention();
    return true;
  }

  async put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number } = {}): Promise<void> {
    this.#open();
    const doc = checkStoredJob(job, 'put: job document');
    const flow = checkOptionalFlow(options);
    const fence = (options as { fence?: unknown }).fence;
    if (fence !== undefined && (!Number.isInteger(fence) || (fence as number) < 0)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `put: fence must be an integer >= 0; got ${String(fence)}.`, { details: { jobId: doc.jobId } });
    }
    this.#checkFence(doc.jobId, fence as number | undefined);
    const held = this.#jobs.get(doc.jobId);
    if (held === undefined) this.#jobs.set(doc.jobId, { doc, flow, seq: ++this.#seq, committed: new Set() });
    else {
      held.doc = doc;
      if (flow !== undefined) held.flow = flow;
    }
    if (isFinishedStatus(doc.status)) this.#applyRetention();
  }

  async acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    this.#open();
    checkLeaseRequest(jobId, owner, ttlMs);
    const now = this.#now();
    const current = this.#leases.get(jobId);
    if (current !== undefined && current.owner !== owner && current.expiresAt > now) return undefined;
    const fence = (this.#fences.get(jobId) ?? 0) + 1;
    this.#fences.set(jobId, fence);
    this.#leases.set(jobId, { owner, fence, expiresAt: now + ttlMs });
    return { jobId, fence };
  }

  async release(lease: JobLease): Promise<void> {
    this.#open();
    const current = this.#leases.get(lease.jobId);
    if (current !== undefined && current.fence === lease.fence) this.#leases.delete(lease.jobId);
  }

  async listUnfinished(): Promise<readonly string[]> {
    this.#open();
    return [...this.#jobs.values()].filter((h) => !isFinishedStatus(h.doc.status)).sort((a, b) => a.seq - b.seq).map((h) => h.doc.jobId);
  }

  async listJobs(query?: ListJobsQuery): Promise<JobPage> {
    this.#open();
    const q = checkListQuery(query);
    this.#applyRetention();
    const matching = [...this.#jobs.values()]
      .filter((h) => (q.status === undefined || h.doc.status === q.status) && (q.flow === undefined || h.flow === q.flow))
      .map((h) => ({ h, pos: { createdAt: h.doc.createdAt, seq: h.seq } }))
      .filter(({ pos }) => q.after === undefined || compareNewestFirst(q.after, pos) < 0)
      .sort((a, b) => compareNewestFirst(a.pos, b.pos));
    const page = matching.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(({ h }) => summaryOf(h)), nextCursor: matching.length > q.limit && last !== undefined ? encodeJobCursor(last.pos) : null };
  }

  async getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.load(jobId);
  }

  async deleteJob(jobId: string): Promise<boolean> {
    this.#open();
    const held = this.#jobs.get(checkName(jobId, 'deleteJob: jobId'));
    if (held === undefined) return false;
    if (!isFinishedStatus(held.doc.status)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `deleteJob: job ${jobId} is ${held.doc.status}; only a completed, failed or cancelled job can be deleted (cancel it first).`, {
        details: { jobId, status: held.doc.status },
      });
    }
    this.#forget(jobId);
    return true;
  }

  async putFlow(name: string, document: StoredJson): Promise<void> {
    this.#open();
    this.#flows.set(checkName(name, 'putFlow: name'), copyStoredJson(document, `putFlow: flow ${name}`));
  }

  async deleteFlow(name: string): Promise<boolean> {
    this.#open();
    return this.#flows.delete(checkName(name, 'deleteFlow: name'));
  }

  async listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    this.#open();
    return [...this.#flows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, document]) => ({ name, document: copyStoredJson(document, `flow ${name}`) }));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, 'This MemoryJobStore is closed; create a new store.');
  }

  #checkFence(jobId: string, fence: number | undefined): void {
    const current = this.#fences.get(jobId);
    if (fence === undefined || current === undefined || fence >= current) return;
    throw new StoreError(ErrorCode.STALE_WRITE, `Job ${jobId}: write with lease fence ${fence} refused; a newer lease (fence ${current}) was taken since, so this writer no longer owns the job.`, {
      details: { jobId, fence, current },
    });
  }

  #forget(jobId: string): void {
    this.#jobs.delete(jobId);
    this.#leases.delete(jobId);
    this.#fences.delete(jobId);
  }

  #applyRetention(): void {
    const { maxCount, maxAgeMs } = this.#retention;
    if (maxCount === undefined && maxAgeMs === undefined) return;
    const finished = [...this.#jobs.values()].filter((h) => isFinishedStatus(h.doc.status)).sort((a, b) => Date.parse(b.doc.updatedAt) - Date.parse(a.doc.updatedAt) || b.seq - a.seq);
    const oldest = maxAgeMs === undefined ? undefined : this.#now() - maxAgeMs;
    finished.forEach((h, i) => {
      if ((maxCount !== undefined && i >= maxCount) || (oldest !== undefined && Date.parse(h.doc.updatedAt) < oldest)) this.#forget(h.doc.jobId);
    });
  }
}

function summaryOf(h: Held): StoredJobSummary {
  return { jobId: h.doc.jobId, flowId: h.doc.flowId, ...(h.flow !== undefined ? { flow: h.flow } : {}), status: h.doc.status as JobStatus, createdAt: h.doc.createdAt, updatedAt: h.doc.updatedAt };
}
