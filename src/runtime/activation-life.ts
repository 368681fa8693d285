import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, isRoutiluxError, type RoutiluxError } from '../errors/routilux-error.js';

/** The activation an error is about (a `Task` is one). */
export interface ActivationRef {
  readonly taskId: string;
  readonly routineId: string;
  readonly slotName: string;
  readonly attempt: number;
}

/** @internal the data of a `'late'` history entry (api.md §5). */
export interface LateEntry {
  readonly taskId: string;
  readonly attempt: number;
  /** Emits of the activation that were ignored because it was late. */
  emits: number;
}

/**
 * @internal What one activation carries beyond its task, created only when needed: its own
 * abort signal (`ctx.signal`), its activation-timeout timer, its `waitUntil` holds, and its
 * late state. Activations that use none of these never allocate one, so the hot path
 * stays one object per activation.
 */
export class ActivationLife {
  controller: AbortController | undefined = undefined;
  /** Why the activation's signal aborted (set once; a signal created later aborts with it at once). */
  reason: RoutiluxError | undefined = undefined;
  /** The activation-timeout timer, while armed. */
  timer: unknown = undefined;
  /** `ctx.waitUntil` promises not settled yet: the signal aborts for the activation's end once they have. */
  holds = 0;
  /** True once the handler has settled. */
  ended = false;
  /** True once the activation was cut loose (activation timeout, or its job ended) while its handler still ran. */
  detached = false;
  /** Emits ignored because the activation or its job had ended; -1 while none. */
  lateEmits = -1;
  /** The data of the activation's `'late'` history entry, once recorded. */
  lateEntry: LateEntry | undefined = undefined;
}

/** @internal the signal reason of a job that fails with `error`: a RoutiluxError as is, anything else wrapped (ROUTINE_FAILED, the error as cause). */
export function jobAbortReason(error: Error): RoutiluxError {
  if (isRoutiluxError(error)) return error;
  return new ExecutionError(ErrorCode.ROUTINE_FAILED, `The job failed: ${error.message}`, { cause: error });
}

/** @internal the signal reason of an activation that ended (its handler and its waitUntil holds settled). */
export function activationEnded(task: ActivationRef): RoutiluxError {
  return new ExecutionError(
    ErrorCode.ACTIVATION_ENDED,
    `Activation ${task.taskId} of "${task.routineId}" has ended; work it started is no longer awaited (keep the job open for it with ctx.waitUntil).`,
    { details: { routineId: task.routineId, taskId: task.taskId, attempt: task.attempt } },
  );
}

/** @internal the error of an activation still running past its timeout. */
export function activationTimeout(task: ActivationRef, timeout: number): RoutiluxError {
  const where = task.slotName === '' ? `the logic of "${task.routineId}"` : `"${task.routineId}.${task.slotName}"`;
  return new ExecutionError(
    ErrorCode.ACTIVATION_TIMEOUT,
    `Activation ${task.taskId} of ${where} (attempt ${task.attempt}) was still running after its timeout of ${timeout} ms; make the handler finish sooner (honour ctx.signal) or raise the slot's timeout.`,
    { details: { routineId: task.routineId, slot: task.slotName, taskId: task.taskId, attempt: task.attempt, timeout } },
  );
}
