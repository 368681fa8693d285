/** An event → slot edge of a flow. */
export interface Connection {
  readonly sourceRoutineId: string;
  readonly sourceEvent: string;
  readonly targetRoutineId: string;
  readonly targetSlot: string;
  /** `{ from: to }`: each present `from` key is also delivered as `to`. */
  readonly paramMapping?: Readonly<Record<string, string>>;
}

/** A problem found by `flow.validate()`. */
export interface FlowIssue {
  readonly severity: 'error' | 'warning';
  /** Stable issue code, e.g. `SLOT_NOT_CONNECTED`. */
  readonly code: string;
  readonly message: string;
  readonly routineId?: string;
  /** Structured facts, e.g. `{ routineIds }` of a `CYCLE` warning. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Execution strategy of a flow. */
export type ExecutionStrategy = 'sequential' | 'concurrent';
