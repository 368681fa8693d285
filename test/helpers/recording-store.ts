import type { ActivationCommit, JobLease, JobPage, JobStore, SerializedJobState, StoredJson } from '../../src/index.js';
import { applyActivationCommit, checkActivationCommit } from '../../src/index.js';

/** One write the engine made, in order. */
export type RecordedWrite =
  | { readonly kind: 'create'; readonly doc: SerializedJobState }
  | { readonly kind: 'put'; readonly doc: SerializedJobState }
  | { readonly kind: 'commit'; readonly commit: ActivationCommit };

/**
 * A JobStore for engine tests: it records every write in order and keeps each job's document
 * by applying the commits, so a test can compare what the store holds with `jobState.serialize()`.
 * `failCommit` makes the next commits reject (a store that is down).
 */
export class RecordingStore implements JobStore {
  readonly writes: RecordedWrite[] = [];
  readonly docs = new Map<string, SerializedJobState>();
  private readonly committed = new Set<string>();
  private readonly flows = new Map<string, StoredJson>();
  failCommit: Error | undefined;

  commitsOf(jobId: string): ActivationCommit[] {
    return this.writes.flatMap((w) => (w.kind === 'commit' && w.commit.jobId === jobId ? [w.commit] : []));
  }

  async create(job: SerializedJobState): Promise<void> {
    if (this.docs.has(job.jobId)) throw new Error(`job ${job.jobId} exists`);
    const doc = structuredClone(job);
    this.writes.push({ kind: 'create', doc });
    this.docs.set(job.jobId, doc);
  }

  async load(jobId: string): Promise<SerializedJobState | undefined> {
    return this.docs.get(jobId);
  }

  async commit(commit: ActivationCommit): Promise<boolean> {
    if (this.failCommit !== undefined) throw this.failCommit;
    const copy = structuredClone(commit);
    if (copy.taskId !== null) {
      const key = `${copy.jobId}/${copy.taskId}/${copy.attempt}`;
      if (this.committed.has(key)) return false;
      this.committed.add(key);
    }
    const doc = this.docs.get(copy.jobId);
    if (doc === undefined) throw new Error(`commit to unknown job ${copy.jobId}`);
    this.writes.push({ kind: 'commit', commit: copy });
    this.docs.set(copy.jobId, applyActivationCommit(doc, checkActivationCommit(copy)));
    return true;
  }

  async put(job: SerializedJobState): Promise<void> {
    const doc = structuredClone(job);
    this.writes.push({ kind: 'put', doc });
    this.docs.set(job.jobId, doc);
  }

  async acquire(jobId: string): Promise<JobLease | undefined> {
    return { jobId, fence: 1 };
  }

  async release(): Promise<void> {}

  async listUnfinished(): Promise<readonly string[]> {
    return [...this.docs.values()].filter((d) => !['completed', 'failed', 'cancelled'].includes(d.status)).map((d) => d.jobId);
  }

  async listJobs(): Promise<JobPage> {
    return { items: [...this.docs.values()].map((d) => ({ jobId: d.jobId, flowId: d.flowId, status: d.status as never, createdAt: d.createdAt, updatedAt: d.updatedAt })), nextCursor: null };
  }

  async getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.docs.get(jobId);
  }

  async deleteJob(jobId: string): Promise<boolean> {
    return this.docs.delete(jobId);
  }

  async putFlow(name: string, document: StoredJson): Promise<void> {
    this.flows.set(name, document);
  }

  async deleteFlow(name: string): Promise<boolean> {
    return this.flows.delete(name);
  }

  async listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    return [...this.flows].map(([name, document]) => ({ name, document }));
  }

  async close(): Promise<void> {}
}
