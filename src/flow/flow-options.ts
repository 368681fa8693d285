import type { BreakpointSpec } from '../state/breakpoint-types.js';
import type { DependencyContainer } from 'tsyringe';
import type { ExecutionStrategy } from '../graph/connection.js';
import type { Clock } from '../runtime/clock.js';
import type { Limits } from './limits.js';

/** Options of `new Flow(...)`. Durations in milliseconds. */
export interface FlowOptions {
  /** @default a random UUID */
  flowId?: string;
  /** `'sequential'` forces one worker. @default 'sequential' */
  executionStrategy?: ExecutionStrategy;
  /** Concurrent activations per job in `'concurrent'` mode. @default 5 */
  maxWorkers?: number;
  /** Running-time budget of each job (paused time does not count); `Infinity` for none. @default 300000 */
  executionTimeout?: number;
  /** tsyringe container used to resolve routine classes given to `addRoutine`. @default the global container */
  container?: DependencyContainer;
  /** Time source for timeouts and retries (tests pass a manual clock). @default systemClock */
  clock?: Clock;
  /** Cap of each job's execution history. @default 1000 */
  historyLimit?: number;
  /** Limits that protect each job (see {@link Limits}). @default DEFAULT_LIMITS */
  limits?: Limits;
}

/** Per-run options of `execute` / `start`. */
export interface ExecuteOptions {
  /** Overrides the flow's executionTimeout for this job. */
  timeout?: number;
  /** Overrides the flow's strategy for this job. */
  executionStrategy?: ExecutionStrategy;
  /** Breakpoints set before the first activation (see `flow.addBreakpoint`). */
  breakpoints?: readonly BreakpointSpec[];
}

/** Options of `flow.cancel`. */
export interface CancelOptions {
  /** How long to wait for running handlers that ignore their abort signal. @default 5000 */
  grace?: number;
}

/** Options of `flow.shutdown`. */
export interface ShutdownOptions {
  /** How long to let running jobs finish before cancelling them (ms). @default 5000 */
  drainTimeout?: number;
}

/** The default concurrent worker count. */
export const DEFAULT_MAX_WORKERS = 5;
/** The default job timeout, ms. */
export const DEFAULT_EXECUTION_TIMEOUT = 300_000;
/** The largest timer delay Node supports. */
export const MAX_TIMEOUT = 2_147_483_647;
