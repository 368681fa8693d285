import type { CompiledExpression } from '../expressions/index.js';

/** What a breakpoint is set with (`addBreakpoint`, or `breakpoints` of exec / start / execute). */
export interface BreakpointSpec {
  /** The routine whose activations pause the job. */
  readonly routineId: string;
  /** Only activations of this slot (default: any slot of the routine, its logic included). */
  readonly slot?: string;
  /** A CEL expression over `data` (what the handler would receive); the job pauses only when it holds. */
  readonly condition?: string;
}

/** A breakpoint of one job, as `listBreakpoints` and `jobState.breakpoints` report it. */
export interface Breakpoint {
  /** Unique within its job (`bp1`, `bp2`, …). */
  readonly id: string;
  readonly routineId: string;
  readonly slot?: string;
  readonly condition?: string;
  /** How many times the job paused at it. */
  readonly hits: number;
}

/** @internal a breakpoint as the job keeps it: its record and its compiled condition. */
export interface BreakpointEntry {
  readonly id: string;
  readonly routineId: string;
  readonly slot: string | undefined;
  readonly condition: CompiledExpression | undefined;
  hits: number;
}

/** @internal the activation that hit a breakpoint: it runs on resume or step without hitting again. */
export interface BreakpointPass {
  readonly taskId: string;
  readonly attempt: number;
}

/** @internal the public view of one entry. */
export function breakpointView(e: BreakpointEntry): Breakpoint {
  return {
    id: e.id,
    routineId: e.routineId,
    ...(e.slot !== undefined ? { slot: e.slot } : {}),
    ...(e.condition !== undefined ? { condition: e.condition.source } : {}),
    hits: e.hits,
  };
}
