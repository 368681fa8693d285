import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError } from '../errors/routilux-error.js';
import type { JobStatus } from './job-types.js';

/**
 * @internal The statuses a job may move to from each status. `running → running` is a
 * restored snapshot of a running job being resumed; finished jobs never move again.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = Object.freeze({
  pending: ['running', 'cancelled'],
  running: ['running', 'paused', 'completed', 'failed', 'cancelled'],
  paused: ['running', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
});

/** @internal throws `INVALID_STATE` unless a job may move from `from` to `to`. */
export function assertTransition(jobId: string, from: JobStatus, to: JobStatus): void {
  if (!JOB_TRANSITIONS[from].includes(to)) {
    throw new ExecutionError(ErrorCode.INVALID_STATE, `Job ${jobId} cannot go from ${from} to ${to}.`, { details: { jobId, from, to } });
  }
}
