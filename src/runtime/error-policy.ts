import { ErrorCode } from '../errors/error-codes.js';
import { isRoutiluxError } from '../errors/routilux-error.js';
import type { ErrorHandler } from '../flow/error-handler.js';
import type { RoutineStatus } from '../state/job-types.js';

/** @internal what the error policy decided for a failed activation. */
export type FailureDecision =
  /** Run the activation again as the next attempt after `delay` ms. */
  | { readonly kind: 'retry'; readonly delay: number }
  /** The job fails (STOP, or a critical handler out of retries). */
  | { readonly kind: 'stop' }
  /** The routine gets `status` and the job goes on. */
  | { readonly kind: 'continue'; readonly status: Extract<RoutineStatus, 'failed' | 'error_continued' | 'skipped'> };

const STOP: FailureDecision = Object.freeze({ kind: 'stop' });
const CONTINUED: FailureDecision = Object.freeze({ kind: 'continue', status: 'error_continued' });
const SKIPPED: FailureDecision = Object.freeze({ kind: 'continue', status: 'skipped' });
const FAILED: FailureDecision = Object.freeze({ kind: 'continue', status: 'failed' });

/**
 * @internal The error policy as a decision: given the handler in force (the routine's, else
 * the flow's; none means STOP), the attempt that failed (1 for the first run) and the error,
 * what happens next. It changes nothing; the run applies the decision. RETRY retries while
 * `attempt - 1 < maxRetries` and the `retryable` predicate allows it, waiting
 * `retryDelay × retryBackoff^(attempt − 1)`; past that a critical handler stops the job and a
 * non-critical one marks the routine `failed` and goes on.
 */
export function decideFailure(handler: ErrorHandler | undefined, attempt: number, error: Error): FailureDecision {
  const strategy = handler?.strategy ?? 'stop';
  if (strategy === 'retry' && handler !== undefined) {
    if (attempt - 1 < handler.maxRetries && handler.canRetry(error)) return { kind: 'retry', delay: handler.delayFor(attempt) };
    return handler.isCritical ? STOP : FAILED;
  }
  if (strategy === 'continue') return CONTINUED;
  if (strategy === 'skip') return SKIPPED;
  return STOP;
}

/**
 * @internal The code a failure is recorded with: a RoutiluxError's code, or a string `code`
 * of 1–64 characters on the error, else `ROUTINE_FAILED`.
 */
export function errorCode(error: Error): string {
  if (isRoutiluxError(error)) return error.code;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 && code.length <= 64 ? code : ErrorCode.ROUTINE_FAILED;
}
