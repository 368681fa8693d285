import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { MAX_TIMEOUT } from '../flow/flow-options.js';
import type { JobState } from '../state/job-state.js';
import { checkOptions } from '../utils/closed-options.js';
import { assertNumber, describe } from '../utils/guards.js';
import type { FlowPlan } from './flow-plan.js';

/** @internal rejects unknown option keys (a key set to undefined counts as absent). */
export function checkKeys(options: object, known: readonly string[], where: string): void {
  checkOptions(options, known, where);
}

/** @internal */
export function assertOptions(options: unknown, where: string): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} options must be an object; got ${describe(options)}.`);
  }
}

/** @internal */
export function assertTimeout(value: unknown, what: string): asserts value is number {
  if (value === Infinity) return;
  assertNumber(value, what, { min: 0, minExclusive: true, max: MAX_TIMEOUT });
}

/** @internal checks that a restored job's pending work and policy overrides match the flow. */
export function checkRestorable(state: JobState, plan: FlowPlan, flowId: string): void {
  for (const p of state.pendingTasks) {
    const node = plan.nodes.get(p.routineId);
    const ok = node !== undefined && (node.slots.has(p.slotName) || (p.slotName === '' && node.logic !== undefined));
    if (!ok) {
      throw new DefinitionError(node === undefined ? ErrorCode.UNKNOWN_ROUTINE : ErrorCode.UNKNOWN_SLOT, `Job ${state.jobId} has pending work for "${p.routineId}.${p.slotName}", which flow ${flowId} does not have; continue it with the flow it ran on.`, {
        details: { routineId: p.routineId, slot: p.slotName, taskId: p.taskId },
      });
    }
  }
  for (const routineId of state.writer.overriddenRoutines()) {
    const node = plan.nodes.get(routineId);
    if (node === undefined || node.logic === undefined) {
      throw new DefinitionError(node === undefined ? ErrorCode.UNKNOWN_ROUTINE : ErrorCode.INVALID_DEFINITION, `Job ${state.jobId} overrides the activation policy of "${routineId}", which is not a logic routine of flow ${flowId}.`, {
        details: { routineId },
      });
    }
  }
  for (const d of state.deferredEvents) {
    const node = plan.nodes.get(d.routineId);
    if (node === undefined || !node.events.has(d.eventName)) {
      throw new DefinitionError(node === undefined ? ErrorCode.UNKNOWN_ROUTINE : ErrorCode.UNKNOWN_EVENT, `Job ${state.jobId} has a deferred event ${d.routineId}.${d.eventName} that flow ${flowId} cannot emit.`, {
        details: { routineId: d.routineId, event: d.eventName },
      });
    }
  }
}
