// The one way to build a flow from data: a flow document (Flow.deserialize), a definition
// (defineFlow / assembleFlow) and, next, YAML all describe a flow as a FlowSpec and load it
// here, so the order of steps and what is checked are the same whatever the source.
import type { DependencyContainer } from 'tsyringe';
import type { JsonValue } from '../config/json-value.js';
import type { ActivationPolicy, LogicFunction } from '../policies/activation-policy.js';
import type { RoutineBase } from '../routine/routine-base.js';
import type { ErrorHandler } from './error-handler.js';

/** @internal one routine of a {@link FlowSpec}. */
export interface RoutineSpec {
  readonly id: string;
  /** Creates the routine instance (through the flow's container, or an application's injector). */
  readonly create: (container: DependencyContainer) => RoutineBase;
  readonly config?: Readonly<Record<string, JsonValue>>;
  readonly errorHandler?: ErrorHandler;
  readonly logic?: LogicFunction;
  readonly activationPolicy?: ActivationPolicy;
}

/** @internal one connection of a {@link FlowSpec}. */
export interface ConnectionSpec {
  readonly sourceRoutineId: string;
  readonly sourceEvent: string;
  readonly targetRoutineId: string;
  readonly targetSlot: string;
  readonly paramMapping?: Readonly<Record<string, string>>;
}

/** @internal a flow described as data, with its routines resolved to factories. */
export interface FlowSpec {
  /** Routines in the order they are added. */
  readonly routines: readonly RoutineSpec[];
  /** Connections in order. */
  readonly connections: readonly ConnectionSpec[];
  /** The flow-level error handler. */
  readonly errorHandler?: ErrorHandler;
}

/** @internal what the loader fills: an empty `Flow` (the loader never imports the class). */
export interface FlowBuilder {
  readonly container: DependencyContainer;
  addRoutine(routine: RoutineBase, routineId: string): string;
  connect(sourceRoutineId: string, sourceEvent: string, targetRoutineId: string, targetSlot: string, paramMapping?: Record<string, string>): unknown;
  setErrorHandler(handler: ErrorHandler | undefined): void;
}

/** @internal what a loader does with a connection that `connect` refused (the default: throw). */
export type ConnectionProblem = (connection: ConnectionSpec, index: number, error: unknown) => void;

/**
 * @internal Fills `flow` from `spec`: each routine is created, configured (config, error
 * handler, logic, activation policy) and added under its id, in order; then the
 * connections are made and the flow error handler is set. The first problem throws the
 * typed error of the step that found it (`addRoutine` and `connect` check ids and endpoints),
 * except a refused connection when `onConnectionError` is given: it is handed the problem,
 * and the loader goes on with the next connection (a document reports them all at once).
 */
export function loadFlow<F extends FlowBuilder>(spec: FlowSpec, flow: F, onConnectionError?: ConnectionProblem): F {
  for (const r of spec.routines) {
    const routine = r.create(flow.container);
    if (r.config !== undefined) routine.setConfig(r.config);
    if (r.errorHandler !== undefined) routine.setErrorHandler(r.errorHandler);
    if (r.logic !== undefined) routine.setLogic(r.logic);
    if (r.activationPolicy !== undefined) routine.setActivationPolicy(r.activationPolicy);
    flow.addRoutine(routine, r.id);
  }
  spec.connections.forEach((c, index) => {
    try {
      flow.connect(c.sourceRoutineId, c.sourceEvent, c.targetRoutineId, c.targetSlot, c.paramMapping === undefined ? undefined : { ...c.paramMapping });
    } catch (error) {
      if (onConnectionError === undefined) throw error;
      onConnectionError(c, index, error);
    }
  });
  if (spec.errorHandler !== undefined) flow.setErrorHandler(spec.errorHandler);
  return flow;
}
