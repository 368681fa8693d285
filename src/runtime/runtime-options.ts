import type { BreakpointSpec } from '../state/breakpoint-types.js';
import type { Limits } from '../flow/limits.js';
import type { JobState } from '../state/job-state.js';
import type { Clock } from './clock.js';
import type { JobStore } from '../ports/job-store.js';
import type { FlowRegistry } from './flow-registry.js';

/** Options of `new Runtime(...)`. Durations in milliseconds. */
export interface RuntimeOptions {
  /** Activations running at once across every job of every flow. @default 10 */
  concurrency?: number;
  /** Where flow names are looked up. @default FlowRegistry.getInstance() */
  registry?: FlowRegistry;
  /** Time source of the runtime's own timers (wait and shutdown timeouts); jobs use their flow's clock. @default systemClock */
  clock?: Clock;
  /** Finished jobs kept for `getJob`/`listJobs`; the oldest are forgotten beyond this. @default 10000 */
  maxFinishedJobs?: number;
  /** Limits for this runtime's jobs; each limit set here replaces the flow's. @default the flow's limits */
  limits?: Limits;
  /**
   * A durable store: every job of this runtime is created in it and each activation is
   * committed through it before the work it produced runs. Without one, jobs live in memory
   * only, at no cost. See docs/decisions/0004-engine-seams.md.
   */
  store?: JobStore;
  /**
   * With a store: the owner id of this runtime's job leases. Another Runtime's `recover()`
   * skips the jobs this one holds. Give a restarted process the same owner to recover its
   * jobs at once after a crash; with a fresh id they come back once the dead process's
   * leases expire. @default `runtime-<random uuid>`
   */
  owner?: string;
  /** With a store: how long a job lease lives without renewal (renewed every third of it). @default 30000 */
  leaseTtlMs?: number;
}

/** Options of `runtime.exec`. */
export interface RuntimeExecOptions {
  /** Routine whose `trigger` slot receives `entryParams`. @default the flow's only routine with a trigger slot */
  entryRoutineId?: string;
  /** Payload of the entry activation. @default {} */
  entryParams?: Record<string, unknown>;
  /** A restored job to continue (`paused`), or a prepared one to start (`pending`). */
  jobState?: JobState;
  /** Running-time budget of this job. @default the flow's executionTimeout */
  timeout?: number;
  /** Breakpoints set before the job's first activation (see `runtime.addBreakpoint`). */
  breakpoints?: readonly BreakpointSpec[];
}

/** Options of `runtime.post`. */
export interface RuntimePostOptions {
  /** Deliver into this running (or paused) job; without it a new job is started with no trigger. */
  jobId?: string;
}

/** Options of `runtime.shutdown`. */
export interface RuntimeShutdownOptions {
  /** How long running jobs may take to finish before they are cancelled (with a store: suspended, see `recover`). @default 5000 */
  drainTimeout?: number;
  /** After cancelling, how long to wait for handlers that ignore their abort signal. @default 1000 */
  grace?: number;
}
