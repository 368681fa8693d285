import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { StoreError } from '../errors/store-error.js';
import type { ActivationCommit, JobLease, JobPage, ListJobsQuery, RetentionOptions, StoredJobSummary, StoredJson } from '../ports/job-store.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import type { JobStatus } from '../state/job-types.js';
import { checkActivationCommit, commitKey } from './activation-commit.js';
import { applyActivationCommit } from './apply-commit.js';
import { checkStoredJob, isFinishedStatus } from './job-document.js';
import { checkListQuery, checkRetention, compareNewestFirst, encodeJobCursor } from './job-listing.js';
import { checkLeaseRequest, checkName, checkOptionalFlow } from './store-arguments.js';
import { copyStoredJson } from './stored-json.js';

/** @internal a job's lease as a table holds it. */
export interface HeldLease {
  readonly owner: string;
  readonly fence: number;
  readonly expiresAt: number;
}

/**
 * @internal One job of a {@link JobTable}: its document (undefined when what was stored could
 * not be read back: `corrupt` says why), the summary fields listings read, its insertion
 * sequence, the `{ taskId, attempt }` keys committed, and its lease and highest fence.
 */
export interface JobEntry {
  doc: SerializedJobState | undefined;
  corrupt?: string;
  summary: { readonly flowId: string; readonly status: JobStatus; readonly createdAt: string; readonly updatedAt: string };
  flow: string | undefined;
  readonly seq: number;
  readonly committed: Set<string>;
}

/** @internal told which jobs a table operation changed or removed, so a durable façade can write them. */
export interface TableObserver {
  changed(jobId: string, entry: JobEntry): void;
  removed(jobId: string): void;
  flowsChanged(): void;
  leasesChanged(): void;
}

function summaryOf(doc: SerializedJobState): JobEntry['summary'] {
  return { flowId: doc.flowId, status: doc.status as JobStatus, createdAt: doc.createdAt, updatedAt: doc.updatedAt };
}

/**
 * @internal The semantics of the JobStore port over plain memory, synchronous: what the
 * memory store is, and what the file store keeps in memory and writes through. Everything is
 * copied in and out; a commit is checked and applied to a copy that replaces the job only
 * when it fits, so a refused commit changes nothing.
 */
export class JobTable {
  readonly jobs = new Map<string, JobEntry>();
  readonly flows = new Map<string, StoredJson>();
  readonly leases = new Map<string, HeldLease>();
  /** The highest fence handed out per job (kept after a release, so an old holder stays stale). */
  readonly fences = new Map<string, number>();
  private seq = 0;
  private readonly retention: { readonly maxCount?: number; readonly maxAgeMs?: number };

  constructor(
    retention: RetentionOptions | undefined,
    private readonly now: () => number,
    private readonly observer?: TableObserver,
  ) {
    this.retention = checkRetention(retention);
  }

  /** Adds an entry read back from durable storage (keeps the insertion order it had). */
  restore(jobId: string, entry: Omit<JobEntry, 'seq'> & { readonly seq: number }): void {
    this.jobs.set(jobId, entry);
    if (entry.seq > this.seq) this.seq = entry.seq;
  }

  create(job: SerializedJobState, options: { readonly flow?: string }): void {
    const doc = checkStoredJob(job, 'create: job document');
    const flow = checkOptionalFlow(options);
    if (this.jobs.has(doc.jobId)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `create: job ${doc.jobId} already exists in the store; use put to replace it.`, { details: { jobId: doc.jobId } });
    }
    const entry: JobEntry = { doc, summary: summaryOf(doc), flow, seq: ++this.seq, committed: new Set() };
    this.jobs.set(doc.jobId, entry);
    this.observer?.changed(doc.jobId, entry);
    if (isFinishedStatus(doc.status)) this.applyRetention();
  }

  load(jobId: string): SerializedJobState | undefined {
    const entry = this.jobs.get(checkName(jobId, 'load: jobId'));
    if (entry === undefined) return undefined;
    return copyStoredJson(this.docOf(jobId, entry), `job ${jobId}`) as unknown as SerializedJobState;
  }

  commit(commit: ActivationCommit): boolean {
    const checked = checkActivationCommit(commit);
    const entry = this.jobs.get(checked.jobId);
    if (entry === undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${checked.jobId}: the store has no such job; create it first.`, { details: { jobId: checked.jobId } });
    }
    this.checkFence(checked.jobId, checked.fence);
    const key = commitKey(checked);
    if (key !== undefined && entry.committed.has(key)) return false;
    const next = applyActivationCommit(this.docOf(checked.jobId, entry), checked);
    entry.doc = next;
    entry.summary = summaryOf(next);
    if (key !== undefined) entry.committed.add(key);
    this.observer?.changed(checked.jobId, entry);
    if (isFinishedStatus(next.status)) this.applyRetention();
    return true;
  }

  put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number }): void {
    const doc = checkStoredJob(job, 'put: job document');
    const flow = checkOptionalFlow(options);
    const fence = (options as { fence?: unknown }).fence;
    if (fence !== undefined && (!Number.isInteger(fence) || (fence as number) < 0)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `put: fence must be an integer >= 0; got ${String(fence)}.`, { details: { jobId: doc.jobId } });
    }
    let entry = this.jobs.get(doc.jobId);
    this.checkFence(doc.jobId, fence as number | undefined);
    if (entry === undefined) {
      entry = { doc, summary: summaryOf(doc), flow, seq: ++this.seq, committed: new Set() };
      this.jobs.set(doc.jobId, entry);
    } else {
      entry.doc = doc;
      delete entry.corrupt;
      entry.summary = summaryOf(doc);
      if (flow !== undefined) entry.flow = flow;
    }
    this.observer?.changed(doc.jobId, entry);
    if (isFinishedStatus(doc.status)) this.applyRetention();
  }

  acquire(jobId: string, owner: string, ttlMs: number): JobLease | undefined {
    checkLeaseRequest(jobId, owner, ttlMs);
    const now = this.now();
    const current = this.leases.get(jobId);
    if (current !== undefined && current.owner !== owner && current.expiresAt > now) return undefined;
    const fence = (this.fences.get(jobId) ?? 0) + 1;
    this.fences.set(jobId, fence);
    this.leases.set(jobId, { owner, fence, expiresAt: now + ttlMs });
    this.observer?.leasesChanged();
    return { jobId, fence };
  }

  release(lease: JobLease): void {
    const current = this.leases.get(lease.jobId);
    if (current !== undefined && current.fence === lease.fence) {
      this.leases.delete(lease.jobId);
      this.observer?.leasesChanged();
    }
  }

  listUnfinished(): string[] {
    return [...this.jobs.entries()]
      .filter(([, e]) => !isFinishedStatus(e.summary.status))
      .sort(([, a], [, b]) => a.seq - b.seq)
      .map(([id]) => id);
  }

  listJobs(query: ListJobsQuery | undefined): JobPage {
    const q = checkListQuery(query);
    this.applyRetention();
    const matching = [...this.jobs.entries()]
      .filter(([, e]) => (q.status === undefined || e.summary.status === q.status) && (q.flow === undefined || e.flow === q.flow))
      .map(([id, e]) => ({ id, e, pos: { createdAt: e.summary.createdAt, seq: e.seq } }))
      .filter(({ pos }) => q.after === undefined || compareNewestFirst(q.after, pos) < 0)
      .sort((a, b) => compareNewestFirst(a.pos, b.pos));
    const page = matching.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(({ id, e }) => listed(id, e)), nextCursor: matching.length > q.limit && last !== undefined ? encodeJobCursor(last.pos) : null };
  }

  deleteJob(jobId: string): boolean {
    const entry = this.jobs.get(checkName(jobId, 'deleteJob: jobId'));
    if (entry === undefined) return false;
    if (!isFinishedStatus(entry.summary.status)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `deleteJob: job ${jobId} is ${entry.summary.status}; only a completed, failed or cancelled job can be deleted (cancel it first).`, {
        details: { jobId, status: entry.summary.status },
      });
    }
    this.forget(jobId);
    return true;
  }

  putFlow(name: string, document: StoredJson): void {
    this.flows.set(checkName(name, 'putFlow: name'), copyStoredJson(document, `putFlow: flow ${name}`));
    this.observer?.flowsChanged();
  }

  deleteFlow(name: string): boolean {
    const had = this.flows.delete(checkName(name, 'deleteFlow: name'));
    if (had) this.observer?.flowsChanged();
    return had;
  }

  listFlows(): Array<{ readonly name: string; readonly document: StoredJson }> {
    return [...this.flows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, document]) => ({ name, document: copyStoredJson(document, `flow ${name}`) }));
  }

  private docOf(jobId: string, entry: JobEntry): SerializedJobState {
    if (entry.doc !== undefined) return entry.doc;
    throw new StoreError(ErrorCode.CORRUPT_STATE, `Job ${jobId} cannot be read from the store: ${entry.corrupt ?? 'its document is damaged'}. The other jobs are unaffected; restore this one from a backup, put a good document, or delete it.`, {
      details: { jobId },
    });
  }

  private checkFence(jobId: string, fence: number | undefined): void {
    const current = this.fences.get(jobId);
    if (fence === undefined || current === undefined || fence >= current) return;
    throw new StoreError(ErrorCode.STALE_WRITE, `Job ${jobId}: write with lease fence ${fence} refused; a newer lease (fence ${current}) was taken since, so this writer no longer owns the job.`, {
      details: { jobId, fence, current },
    });
  }

  private forget(jobId: string): void {
    this.jobs.delete(jobId);
    const leased = this.leases.delete(jobId);
    const fenced = this.fences.delete(jobId);
    this.observer?.removed(jobId);
    if (leased || fenced) this.observer?.leasesChanged();
  }

  private applyRetention(): void {
    const { maxCount, maxAgeMs } = this.retention;
    if (maxCount === undefined && maxAgeMs === undefined) return;
    const finished = [...this.jobs.entries()]
      .filter(([, e]) => isFinishedStatus(e.summary.status))
      .sort(([, a], [, b]) => Date.parse(b.summary.updatedAt) - Date.parse(a.summary.updatedAt) || b.seq - a.seq);
    const oldest = maxAgeMs === undefined ? undefined : this.now() - maxAgeMs;
    finished.forEach(([id, e], i) => {
      if ((maxCount !== undefined && i >= maxCount) || (oldest !== undefined && Date.parse(e.summary.updatedAt) < oldest)) this.forget(id);
    });
  }
}

function listed(jobId: string, e: JobEntry): StoredJobSummary {
  return { jobId, flowId: e.summary.flowId, ...(e.flow !== undefined ? { flow: e.flow } : {}), status: e.summary.status, createdAt: e.summary.createdAt, updatedAt: e.summary.updatedAt };
}
