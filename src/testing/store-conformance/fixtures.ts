import type { ActivationCommit, JobStatus, JobStore, RetentionOptions, SerializedJobState, StoredTask } from '../../index.js';

/** What the conformance suite passes to an adapter's factory. */
export interface ConformanceStoreOptions {
  /** Retention the store must apply (the retention tests pass one; the others none). */
  readonly retention?: RetentionOptions;
}

/** An adapter's factory: a fresh, empty store each call. */
export type MakeJobStore = (options?: ConformanceStoreOptions) => JobStore | Promise<JobStore>;

/** Optional abilities of an adapter that unlock more tests. */
export interface ConformanceOptions {
  /**
   * Closes `store` and opens the same storage again (a durable adapter): the suite checks
   * that everything written survives, fences stay monotonic and idempotency keys are kept.
   */
  readonly reopen?: (store: JobStore) => Promise<JobStore>;
  /**
   * Damages the stored form of one job behind the store's back (a torn row, a bad
   * checksum) and resolves to the store to go on with (the same one, or the storage
   * opened again): the suite checks that loading the job fails with `CORRUPT_STATE`
   * naming it while the other jobs still load.
   */
  readonly corrupt?: (store: JobStore, jobId: string) => Promise<JobStore>;
}

/** Shared state of one conformance test: the store under test and how it was made. */
export interface Fixture {
  readonly make: MakeJobStore;
  readonly options: ConformanceOptions;
  /** Makes a store and registers it to be closed after the test. */
  open(options?: ConformanceStoreOptions): Promise<JobStore>;
  /** Registers a store made another way (a reopened one) to be closed after the test. */
  track(store: JobStore): void;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** An ISO time `offsetMs` after the fixtures' epoch. */
export function at(offsetMs: number): string {
  return new Date(T0 + offsetMs).toISOString();
}

/** A pending task as the engine stores it. */
export function task(taskId: string, overrides: Partial<StoredTask> = {}): StoredTask {
  return { taskId, routineId: 'worker', slotName: 'in', data: { n: taskId }, attempt: 1, merged: false, delayMs: 0, ...overrides };
}

/** A complete job document of format version 1 (what `jobState.serialize()` returns). */
export function jobDoc(jobId: string, overrides: Partial<Record<keyof SerializedJobState, unknown>> & { status?: JobStatus } = {}): SerializedJobState {
  const doc = {
    type: 'JobState',
    version: 1,
    jobId,
    flowId: 'conformance',
    status: 'running',
    createdAt: at(0),
    updatedAt: at(0),
    routineStates: { source: { status: 'completed', executions: 1 } },
    historyLimit: 3,
    historyDropped: 0,
    executionHistory: [{ routineId: 'source', eventName: 'start', data: null, timestamp: at(0) }],
    sharedData: { total: 0 },
    sharedLog: [],
    outputLog: [],
    pendingTasks: [task('t1')],
    pausePoints: [],
    deferredEvents: [],
    slotBuffers: [],
    nextTaskSeq: 2,
    elapsedMs: 0,
    timeoutMs: null,
    tracker: { events: 0, routines: {} },
    ...overrides,
  };
  return doc as unknown as SerializedJobState;
}

/** A commit of task `taskId` (attempt 1 unless given) with no changes. */
export function commitOf(jobId: string, taskId: string | null, rest: Partial<ActivationCommit> = {}): ActivationCommit {
  return { jobId, taskId, attempt: 1, outcome: 'completed', changes: {}, produced: [], consumed: taskId === null ? [] : [taskId], ...rest };
}

/** Resolves to the error a promise rejects with, or fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected the call to reject, but it resolved');
}
