import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import type { MergeStrategy } from '../graph/merge-strategy.js';
import type { ActivationPolicy, LogicFunction } from '../policies/activation-policy.js';
import type { SlotHandler } from '../routine/definitions.js';
import type { RoutineBase } from '../routine/routine-base.js';

/** @internal what a task on a slot does: run the slot handler, run a routine's logic, or ask its policy. */
export const SlotKind = { HANDLER: 0, LOGIC: 1, EVALUATE: 2 } as const;
/** @internal */
export type SlotKind = (typeof SlotKind)[keyof typeof SlotKind];

/** @internal one slot of a compiled flow. */
export class PlanSlot {
  constructor(
    readonly node: PlanNode,
    readonly name: string,
    readonly handler: SlotHandler<never> | undefined,
    readonly merge: MergeStrategy,
    /** Key of this slot's per-job buffer. */
    readonly key: string,
    /** Handler slot, or one of a logic routine's two internal pseudo-slots (name ''). */
    readonly kind: SlotKind = SlotKind.HANDLER,
    /** Activation timeout in ms (the slot's own, else the routine's default); 0 for none. */
    readonly timeout: number = 0,
  ) {
    this.viaPolicy = kind === SlotKind.HANDLER && node.logic !== undefined;
  }

  /** True for a slot of a logic routine: deliveries wait in the job's slot queue for the policy. */
  readonly viaPolicy: boolean;
}

/** @internal where one event delivers to. */
export interface PlanTarget {
  readonly slot: PlanSlot;
  /** `[from, to]` pairs, or null when the connection has no mapping. */
  readonly mapping: ReadonlyArray<readonly [string, string]> | null;
}

/** @internal one event of a compiled flow's routine: where it delivers. */
export class PlanEvent {
  readonly targets: PlanTarget[] = [];
  /**
   * True when the deliveries of one emit can be queued as one fan-out entry: several
   * targets, no parameter mapping, all plain slot handlers (no logic routine queues in
   * between). Set by `FlowPlan.seal`.
   */
  fanOut = false;
}

/** @internal one routine of a compiled flow. */
export class PlanNode {
  readonly slots = new Map<string, PlanSlot>();
  readonly events = new Map<string, PlanEvent>();
  /** The routine's logic; when set, deliveries queue per job and the policy decides activations. */
  readonly logic: LogicFunction | undefined;
  /** The routine-level activation policy (a job may override it). */
  readonly policy: ActivationPolicy | undefined;
  /** Pseudo-slot of logic activations (retries and pending logic tasks run on it). */
  readonly logicSlot: PlanSlot | undefined;
  /** Pseudo-slot of policy evaluations. */
  readonly evaluateSlot: PlanSlot | undefined;
  constructor(
    readonly id: string,
    readonly routine: RoutineBase,
    /** Position in the plan, used to index per-job arrays. */
    readonly index: number,
  ) {
    this.logic = routine.getLogic();
    this.policy = routine.getActivationPolicy();
    if (this.policy !== undefined && this.logic === undefined) {
      throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `Routine "${id}" has an activation policy but no logic; call setLogic(fn) (or use @Logic) — a policy decides when the logic runs.`, {
        details: { routineId: id },
      });
    }
    this.logicSlot = this.logic === undefined ? undefined : new PlanSlot(this, '', undefined, 'override', `${id}\u0000`, SlotKind.LOGIC, routine.getActivationTimeout() ?? 0);
    this.evaluateSlot = this.logic === undefined ? undefined : new PlanSlot(this, '', undefined, 'override', `${id}\u0000`, SlotKind.EVALUATE);
  }
}

/** @internal an immutable, pre-resolved view of a flow used by running jobs. */
export class FlowPlan {
  readonly nodes = new Map<string, PlanNode>();
  readonly byRoutine = new Map<RoutineBase, PlanNode>();
  /** Routines with a `trigger` slot, in flow order: where a job can start (set by `seal`). */
  readonly entries: PlanNode[] = [];

  /** @internal marks the fan-out events and finds the entries; call once all connections are in. */
  seal(): void {
    for (const node of this.nodes.values()) {
      if (node.slots.has('trigger')) this.entries.push(node);
      for (const event of node.events.values()) {
        const targets = event.targets;
        event.fanOut = targets.length > 1 && targets.every((t) => t.mapping === null && t.slot.kind === SlotKind.HANDLER && t.slot.node.logic === undefined);
      }
    }
  }
}
