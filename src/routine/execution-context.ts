import type { Clock } from '../runtime/clock.js';
import type { JobState } from '../state/job-state.js';

/**
 * The flow a job runs, as its handlers see it. The engine only hands this object on and
 * never reads it; `Flow` (`flow/flow.ts`) completes the interface with its whole API by
 * declaration merging, so `ctx.flow` is the `Flow` itself (`ctx.flow.pause(ctx.jobState)`)
 * while nothing below `flow/` imports it.
 */
export interface ExecutionFlow {
  /** The flow's id. */
  readonly flowId: string;
  /** The flow's clock. */
  readonly clock: Clock;
}

/**
 * What a slot handler knows about the activation it runs in. The same object is the
 * handler's second argument and what `routine.getExecutionContext()` returns while
 * the activation runs (also after `await`).
 */
export interface ExecutionContext {
  /** The flow the job runs. */
  readonly flow: ExecutionFlow;
  /** Id of the flow the job runs (same as `flow.flowId`). */
  readonly flowId: string;
  /** The time source of the job (the flow's clock): read time and set timers through it. */
  readonly clock: Clock;
  /** The job's state: shared data, log, history, outputs. */
  readonly jobState: JobState;
  /** Id of the routine in the flow. */
  readonly routineId: string;
  /** Name of the slot being activated (`''` for a routine-level logic). */
  readonly slotName: string;
  /** Stable id of this activation within the job; retries keep it. */
  readonly taskId: string;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  /**
   * This activation's own signal. It aborts when the activation times out
   * (`ACTIVATION_TIMEOUT`) or ends (`ACTIVATION_ENDED`, once its `waitUntil` work has
   * settled too), and when its job fails, times out (`EXECUTION_TIMEOUT`) or is cancelled
   * (`JOB_CANCELLED`); never on pause. `signal.reason` is always a `RoutiluxError`. A handler
   * that ignores it loses its worker anyway: its late result and emits are ignored and
   * recorded once in the history as `'late'`.
   */
  readonly signal: AbortSignal;
  /**
   * Keeps the job from completing until `promise` settles, without holding this
   * activation's worker: the handler can return while a timer or a callback it started is
   * still due (e.g. flush a partial batch later). Emits from the promise's callbacks run in
   * this activation's context; once the job has finished they are ignored (and recorded once
   * as `'late'`). A rejection is recorded in the history as an `'error'` entry of this
   * routine. The activation's signal stays open until these promises have settled; the
   * activation timeout covers the handler only.
   */
  waitUntil(promise: PromiseLike<unknown>): void;
  /**
   * A timer of this routine that belongs to the job: delivers `data` to this routine's slot
   * `slotName` (usually one defined `{ internal: true }`) after `delayMs` ms on the flow's
   * clock, as a new activation. The delivery is pending work of the job: the job does not
   * complete before it, it holds no worker while it waits, it is kept with its remaining
   * delay when the job pauses (so it survives serialize → resume in another process) and a
   * durable store commits it with this activation. Dropped when the job ends. Returns its
   * task id, for `cancelScheduled`. Unknown slot → `UNKNOWN_SLOT`; a bad delay or payload →
   * `INVALID_ARGUMENT`.
   */
  schedule(slotName: string, data: Record<string, unknown>, delayMs: number): string;
  /** Cancels a delivery made with `schedule` that has not run yet; false when it already ran or is unknown. */
  cancelScheduled(taskId: string): boolean;
}
