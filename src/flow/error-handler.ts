import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { checkOptions } from '../utils/closed-options.js';
import { assertNumber, describe } from '../utils/guards.js';

/** What to do when a routine's activation fails. */
export const ErrorStrategy = {
  /** Fail the job; nothing further starts. */
  STOP: 'stop',
  /** Record the error, mark the routine `error_continued`, go on. */
  CONTINUE: 'continue',
  /** Run the same activation again after a backoff delay. */
  RETRY: 'retry',
  /** Mark the routine `skipped`, go on. */
  SKIP: 'skip',
} as const;

/** One of `'stop' | 'continue' | 'retry' | 'skip'`. */
export type ErrorStrategy = (typeof ErrorStrategy)[keyof typeof ErrorStrategy];

/** Decides whether an error may be retried. */
export type RetryablePredicate = (error: Error) => boolean;

/** Options of {@link ErrorHandler}. All durations are in milliseconds. */
export interface ErrorHandlerOptions {
  /** @default 'stop' */
  strategy?: ErrorStrategy;
  /** Extra attempts after the first one (RETRY). @default 3 */
  maxRetries?: number;
  /** Delay before the first retry. @default 1000 */
  retryDelay?: number;
  /** Multiplier of the delay per further retry (≥ 1). @default 2 */
  retryBackoff?: number;
  /** Which errors may be retried; all by default. A function or a name registered in FunctionRegistry. */
  retryable?: RetryablePredicate | string;
  /** When retries are exhausted: true fails the job (STOP), false marks the routine failed and goes on. @default true */
  isCritical?: boolean;
}

const STRATEGIES: ReadonlySet<string> = new Set(Object.values(ErrorStrategy));

/**
 * An error policy for a routine or a whole flow. Immutable; its counters live in the job.
 *
 * @example
 * routine.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 100 }));
 */
export class ErrorHandler {
  readonly strategy: ErrorStrategy;
  readonly maxRetries: number;
  readonly retryDelay: number;
  readonly retryBackoff: number;
  readonly isCritical: boolean;
  /** The predicate, if any. */
  readonly retryable: RetryablePredicate | undefined;
  /** The registered name of the predicate, when it was given by name or is registered. */
  readonly retryableName: string | undefined;

  constructor(options: ErrorHandlerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `ErrorHandler options must be an object; got ${describe(options)}.`);
    }
    checkOptions(options, ['strategy', 'maxRetries', 'retryDelay', 'retryBackoff', 'retryable', 'isCritical'], 'ErrorHandler');
    const strategy = options.strategy ?? 'stop';
    if (typeof strategy !== 'string' || !STRATEGIES.has(strategy)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `ErrorHandler strategy must be one of stop, continue, retry, skip; got ${describe(strategy)}.`, {
        details: { strategy: String(strategy) },
      });
    }
    const maxRetries = options.maxRetries ?? 3;
    const retryDelay = options.retryDelay ?? 1000;
    const retryBackoff = options.retryBackoff ?? 2;
    assertNumber(maxRetries, 'ErrorHandler maxRetries', { min: 0, max: 1_000_000, integer: true });
    assertNumber(retryDelay, 'ErrorHandler retryDelay (ms)', { min: 0, max: 2_147_483_647 });
    assertNumber(retryBackoff, 'ErrorHandler retryBackoff', { min: 1, max: 1000 });
    const isCritical = options.isCritical ?? true;
    if (typeof isCritical !== 'boolean') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `ErrorHandler isCritical must be a boolean; got ${describe(isCritical)}.`);
    }
    let retryable: RetryablePredicate | undefined;
    let retryableName: string | undefined;
    if (typeof options.retryable === 'string') {
      const fn = FunctionRegistry.get(options.retryable);
      if (fn === undefined) {
        throw new InvalidArgumentError(ErrorCode.UNKNOWN_FUNCTION, `ErrorHandler retryable "${options.retryable}" is not registered; call FunctionRegistry.register("${options.retryable}", fn) first.`, {
          details: { name: options.retryable },
        });
      }
      retryable = fn as RetryablePredicate;
      retryableName = options.retryable;
    } else if (typeof options.retryable === 'function') {
      retryable = options.retryable;
      retryableName = FunctionRegistry.nameOf(options.retryable);
    } else if (options.retryable !== undefined) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `ErrorHandler retryable must be a function or a registered function name; got ${describe(options.retryable)}.`);
    }
    this.strategy = strategy;
    this.maxRetries = maxRetries;
    this.retryDelay = retryDelay;
    this.retryBackoff = retryBackoff;
    this.isCritical = isCritical;
    this.retryable = retryable;
    this.retryableName = retryableName;
    Object.freeze(this);
  }

  /** Delay before retry number `n` (1-based): `retryDelay * retryBackoff^(n-1)`. */
  delayFor(n: number): number {
    return this.retryDelay * this.retryBackoff ** (n - 1);
  }

  /** Whether `error` may be retried at all (the predicate; a throwing predicate means no). */
  canRetry(error: Error): boolean {
    if (this.retryable === undefined) return true;
    try {
      return this.retryable(error) === true;
    } catch {
      return false;
    }
  }
}
