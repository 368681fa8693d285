/** Status of a job. */
export const JobStatus = {
  PENDING: 'pending',
  RUNNING: 'running',
  PAUSED: 'paused',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;
/** One of `'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled'`. */
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** Statuses after which a job never runs again. */
export const FINISHED_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>(['completed', 'failed', 'cancelled']);

/** Status of one routine within a job. */
export type RoutineStatus = 'running' | 'completed' | 'failed' | 'error_continued' | 'skipped';

/** A routine's record in `jobState.routineStates`. */
export interface RoutineStateRecord {
  /** Outcome of the latest activation; a failure status sticks until the job ends. */
  status: RoutineStatus;
  /** Activations started (retries excluded). */
  executions?: number;
  /** Retries run so far in this job. */
  retryCount?: number;
  /** The last error, when one happened. */
  error?: { code: string; message: string };
  /** Anything set through `updateRoutineState`. */
  [key: string]: unknown;
}

/** One entry of the execution history. */
export interface ExecutionRecord {
  readonly routineId: string;
  /** `'start'` for the entry, `'error'` for a failure, else the emitted event's name. */
  readonly eventName: string;
  readonly data: unknown;
  readonly timestamp: Date;
}

/** A recorded pause. */
export interface PausePoint {
  readonly timestamp: Date;
  readonly reason: string;
  readonly checkpoint: unknown;
  /** Tasks kept as pending at this pause. */
  readonly pendingTaskCount: number;
}

/** A queued activation kept while a job is paused (serializable). */
export interface PendingTask {
  /** Stable activation id; retries keep it. */
  readonly taskId: string;
  readonly routineId: string;
  readonly slotName: string;
  /** The payload as delivered (after parameter mapping). */
  readonly data: Record<string, unknown>;
  /** Attempt number the task will run as. */
  readonly attempt: number;
  /** True when `data` is already merged into the slot buffer (a retry). */
  readonly merged: boolean;
  /** For a retry waiting out its backoff: milliseconds still to wait when resumed. */
  readonly delayMs: number;
}

/** An event stored by `emitDeferredEvent`, emitted once on the next resume. */
export interface DeferredEvent {
  readonly routineId: string;
  readonly eventName: string;
  readonly data: Record<string, unknown>;
}

/** One record of `jobState.outputLog`. */
export interface OutputRecord {
  readonly jobId: string;
  readonly routineId: string;
  readonly outputType: string;
  readonly data: unknown;
  readonly timestamp: Date;
}

/** Why a job failed. */
export interface JobError {
  readonly code: string;
  readonly message: string;
  readonly routineId?: string;
}

/** One entry of `jobState.sharedLog`: what was appended plus an ISO `timestamp`. */
export type SharedLogEntry = Record<string, unknown> & { timestamp: string };
