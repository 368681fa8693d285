// Breakpoints of one job (services.md §2), for Runtime and Flow alike: checked against the
// flow's plan, compiled once, kept in the job (they serialize with it), and handed to the
// run that drives the job so it checks them before each activation.
import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError, isRoutiluxError } from '../errors/routilux-error.js';
import { compileExpression, type CompiledExpression } from '../expressions/index.js';
import type { FlowPlan } from '../runtime/flow-plan.js';
import { breakpointView, type Breakpoint, type BreakpointSpec } from '../state/breakpoint-types.js';
import type { JobState } from '../state/job-state.js';
import { checkOptions } from '../utils/closed-options.js';
import { describe, isPlainObject } from '../utils/guards.js';

const SPEC_KEYS: readonly string[] = ['routineId', 'slot', 'condition'];

/** @internal a finished job takes no breakpoint and no step. */
export function assertNotFinished(state: JobState, what: string): void {
  if (state.isFinished) {
    throw new ExecutionError(ErrorCode.JOB_FINISHED, `Cannot ${what} of job ${state.jobId}: it is already ${state.status}.`, { details: { jobId: state.jobId, status: state.status } });
  }
}

/** @internal the breakpoint `spec` checked against `plan`: its routine, its slot and its condition (compiled now). */
export function checkBreakpointSpec(spec: unknown, plan: FlowPlan, flowId: string, where: string): { routineId: string; slot: string | undefined; condition: CompiledExpression | undefined } {
  if (!isPlainObject(spec)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} needs a breakpoint such as { routineId: 'parser', slot: 'input', condition: 'data.size > 10' }; got ${describe(spec)}.`);
  }
  checkOptions(spec, SPEC_KEYS, where);
  const { routineId, slot, condition } = spec as Partial<Record<keyof BreakpointSpec, unknown>>;
  const node = typeof routineId === 'string' ? plan.nodes.get(routineId) : undefined;
  if (node === undefined) {
    throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `${where}: routine ${describe(routineId)} not found in flow ${flowId}; routines: ${[...plan.nodes.keys()].join(', ') || '(none)'}.`, {
      details: { routineId: String(routineId) },
    });
  }
  if (slot !== undefined && (typeof slot !== 'string' || !(node.slots.has(slot) || (slot === '' && node.logic !== undefined)))) {
    throw new DefinitionError(ErrorCode.UNKNOWN_SLOT, `${where}: slot ${describe(slot)} not found in routine "${node.id}"; its slots are: ${[...node.slots.keys()].join(', ') || '(none)'}${node.logic !== undefined ? " ('' for its logic activations)" : ''}.`, {
      details: { routineId: node.id, slot: String(slot) },
    });
  }
  let compiled: CompiledExpression | undefined;
  if (condition !== undefined) {
    try {
      compiled = compileExpression(condition);
    } catch (error) {
      if (!isRoutiluxError(error)) throw error;
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: ${error.message}`, { details: { ...error.details, routineId: node.id }, cause: error });
    }
  }
  return { routineId: node.id, slot: slot as string | undefined, condition: compiled };
}

/** @internal adds a checked breakpoint to an unfinished job and tells its run. */
export function addBreakpoint(state: JobState, plan: FlowPlan, spec: unknown, where: string): Breakpoint {
  assertNotFinished(state, 'add a breakpoint');
  const checked = checkBreakpointSpec(spec, plan, state.flowId, where);
  const entry = state.writer.addBreakpoint(checked.routineId, checked.slot, checked.condition);
  state.liveRun?.onBreakpoints?.();
  return breakpointView(entry);
}

/** @internal removes breakpoint `id` of an unfinished job; unknown id → UNKNOWN_BREAKPOINT. */
export function removeBreakpoint(state: JobState, id: unknown): void {
  assertNotFinished(state, 'remove a breakpoint');
  if (typeof id !== 'string' || !state.writer.removeBreakpoint(id)) {
    const known = state.breakpoints.map((b) => b.id);
    throw new ExecutionError(ErrorCode.UNKNOWN_BREAKPOINT, `Job ${state.jobId} has no breakpoint ${describe(id)}; its breakpoints: ${known.join(', ') || '(none)'}.`, {
      details: { jobId: state.jobId, breakpointId: String(id) },
    });
  }
  state.liveRun?.onBreakpoints?.();
}

/** @internal checks every spec of an exec / start / execute `breakpoints` option (before anything is added). */
export function checkBreakpointList(list: unknown, plan: FlowPlan, flowId: string, where: string): ReturnType<typeof checkBreakpointSpec>[] {
  if (!Array.isArray(list)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} breakpoints must be an array such as [{ routineId: 'parser' }]; got ${describe(list)}.`);
  }
  return list.map((spec, i) => checkBreakpointSpec(spec, plan, flowId, `${where} breakpoints[${i}]`));
}

/** @internal adds checked breakpoints to a job that has not run yet. */
export function addCheckedBreakpoints(state: JobState, checked: readonly ReturnType<typeof checkBreakpointSpec>[]): void {
  for (const c of checked) state.writer.addBreakpoint(c.routineId, c.slot, c.condition);
  if (checked.length > 0) state.liveRun?.onBreakpoints?.();
}
