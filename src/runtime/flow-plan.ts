import type { MergeStrategy } from '../graph/merge-strategy.js';
import type { SlotHandler } from '../routine/definitions.js';
import type { RoutineBase } from '../routine/routine-base.js';

/** @internal one slot of a compiled flow. */
export class PlanSlot {
  constructor(
    readonly node: PlanNode,
    readonly name: string,
    readonly handler: SlotHandler<never> | undefined,
    readonly merge: MergeStrategy,
    /** Key of this slot's per-job buffer. */
    readonly key: string,
  ) {}
}

/** @internal where one event delivers to. */
export interface PlanTarget {
  readonly slot: PlanSlot;
  /** `[from, to]` pairs, or null when the connection has no mapping. */
  readonly mapping: ReadonlyArray<readonly [string, string]> | null;
}

/** @internal one routine of a compiled flow. */
export class PlanNode {
  readonly slots = new Map<string, PlanSlot>();
  readonly events = new Map<string, PlanTarget[]>();
  constructor(
    readonly id: string,
    readonly routine: RoutineBase,
    /** Position in the plan, used to index per-job arrays. */
    readonly index: number,
  ) {}
}

/** @internal an immutable, pre-resolved view of a flow used by running jobs. */
export class FlowPlan {
  readonly nodes = new Map<string, PlanNode>();
  readonly byRoutine = new Map<RoutineBase, PlanNode>();
}
