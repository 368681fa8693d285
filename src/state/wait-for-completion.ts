import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { describe } from '../utils/guards.js';
import { checkOptions } from '../utils/closed-options.js';
import type { JobRunLink } from './job-link.js';
import type { JobStatus } from './job-types.js';

/** Options of `JobState.waitForCompletion`. */
export interface WaitOptions {
  /** Give up after this many ms and resolve false (status untouched). */
  timeout?: number;
  /** Called every `progressInterval` ms while waiting, and once at the end. */
  onProgress?: (progress: { queueSize: number; active: number; status: JobStatus }) => void;
  /** @default 1000 */
  progressInterval?: number;
}

/** @internal what waiting reads of a job. */
export interface WaitTarget {
  readonly jobId: string;
  readonly flowId: string;
  readonly status: JobStatus;
  readonly liveRun: JobRunLink | undefined;
}

const settledTrue = (): boolean => true;

/**
 * The timeout of a wait whose options set at most a valid `timeout` (`undefined`: none), or
 * `null` when anything else is set (the full path then checks and reports it).
 */
function plainTimeout(options: WaitOptions): number | undefined | null {
  if (options === NO_OPTIONS) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return null;
  let timeout: number | undefined;
  for (const key in options) {
    if (!Object.prototype.hasOwnProperty.call(options, key)) return null;
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key !== 'timeout' || typeof value !== 'number' || !(value >= 0)) return null;
    timeout = value;
  }
  return timeout;
}

/** @internal the options of a wait that sets none (`JobState.waitForCompletion`'s default). */
export const NO_OPTIONS: WaitOptions = Object.freeze({});

/** @internal the body of `JobState.waitForCompletion` (the caller checked that `jobState` is a JobState). */
export function waitForCompletion(flow: { readonly flowId: string }, jobState: WaitTarget, options: WaitOptions): Promise<boolean> {
  // The common waits (a live running job, its own flow, no options or only a timeout) skip the
  // option walk and the progress closures; no options at all is the run's settled() promise.
  // Everything else takes the full path.
  const live = jobState.liveRun;
  if (live !== undefined && jobState.status === 'running' && typeof flow === 'object' && flow !== null && flow.flowId === jobState.flowId) {
    const timeout = plainTimeout(options);
    if (timeout === undefined) return live.settled().then(settledTrue);
    if (timeout !== null) {
      // only a timeout: one timer, no progress closures (a late settle after the timeout resolves nothing)
      return new Promise<boolean>((resolve) => {
        const clock = live.clock;
        const timer = clock.setTimeout(() => resolve(false), timeout);
        void live.settled().then(() => {
          clock.clearTimeout(timer);
          resolve(true);
        });
      });
    }
  }
  return new Promise<boolean>((resolve, reject) => {
    if (typeof flow !== 'object' || flow === null || flow.flowId !== jobState.flowId) {
      reject(
        new ExecutionError(ErrorCode.FLOW_MISMATCH, `Job ${jobState.jobId} belongs to flow ${jobState.flowId}, not ${String((flow as { flowId?: unknown } | null)?.flowId)}; wait on it with its own flow.`, {
          details: { jobId: jobState.jobId, flowId: jobState.flowId },
        }),
      );
      return;
    }
    try {
      checkOptions(options, ['timeout', 'onProgress', 'progressInterval'], 'waitForCompletion');
    } catch (error) {
      reject(error);
      return;
    }
    const { timeout, onProgress, progressInterval = 1000 } = options;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
      reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion timeout must be a number of ms >= 0; got ${describe(timeout)}.`));
      return;
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion onProgress must be a function; got ${describe(onProgress)}.`));
      return;
    }
    if (!Number.isFinite(progressInterval) || progressInterval <= 0) {
      reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion progressInterval must be a positive number of ms; got ${describe(progressInterval)}.`));
      return;
    }
    const run = jobState.liveRun;
    const report = (): void => {
      if (onProgress === undefined) return;
      const p = run?.progress() ?? { queueSize: 0, active: 0 };
      try {
        onProgress({ queueSize: p.queueSize, active: p.active, status: jobState.status });
      } catch {
        // a progress callback must not break waiting
      }
    };
    if (run === undefined || (jobState.status !== 'running' && jobState.status !== 'pending')) {
      report();
      resolve(jobState.status !== 'running' && jobState.status !== 'pending');
      return;
    }
    const clock = run.clock;
    let done = false;
    let progressTimer: unknown;
    let timeoutTimer: unknown;
    const finish = (value: boolean): void => {
      if (done) return;
      done = true;
      if (progressTimer !== undefined) clock.clearTimeout(progressTimer);
      if (timeoutTimer !== undefined) clock.clearTimeout(timeoutTimer);
      report();
      resolve(value);
    };
    const tick = (): void => {
      report();
      progressTimer = clock.setTimeout(tick, progressInterval);
    };
    if (onProgress !== undefined) progressTimer = clock.setTimeout(tick, progressInterval);
    if (timeout !== undefined) timeoutTimer = clock.setTimeout(() => finish(false), timeout);
    void run.settled().then(() => finish(true));
  });
}
