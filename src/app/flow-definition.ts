import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError } from '../errors/routilux-error.js';
import { ErrorHandler } from '../flow/error-handler.js';
import { Flow } from '../flow/flow.js';
import type { FlowOptions } from '../flow/flow-options.js';
import { loadFlow, type RoutineSpec } from '../flow/flow-loader.js';
import type { JsonValue } from '../config/json-value.js';
import { RoutineRegistry, type RoutineClass } from '../metadata/routine-registry.js';
import { RoutineBase } from '../routine/routine-base.js';
import { connectWires, recordWires, type WireDefinition } from './flow-wires.js';
export type { WireDefinition } from './flow-wires.js';
import type { EventMember, EventPayloadOf, KnownKeys, NoMapping, PayloadCheck, PayloadMapping, SlotMember, SlotPayloadOf } from '../flow/typed-wiring.js';
import { assertName, describe, isPlainObject } from '../utils/guards.js';

/** A routine named in a flow definition: its class, or the type name it registered with `@Routine({ name })`. */
export type RoutineRef = RoutineClass<RoutineBase> | string;

/** One node of a {@link FlowDefinition} with per-node settings. */
export interface RoutineNodeDefinition {
  /** The routine class, or its registered type name. */
  readonly type: RoutineRef;
  /** Passed to `routine.setConfig` after the routine is created (JSON values only). */
  readonly config?: Readonly<Record<string, JsonValue>>;
  /** Set as the routine's error handler. */
  readonly errorHandler?: ErrorHandler;
}

/** An edge of a {@link FlowDefinition}: `from` an event of one node `to` a slot of another. */
export interface ConnectionDefinition {
  readonly from: readonly [routineId: string, event: string];
  readonly to: readonly [routineId: string, slot: string];
  /** Same meaning as the last argument of `flow.connect`. */
  readonly paramMapping?: Readonly<Record<string, string>>;
}

/** The routines of a {@link FlowDefinition}: routine id → class, registered type name or node. */
export type FlowRoutines = Readonly<Record<string, RoutineRef | RoutineNodeDefinition>>;

/** The routine type of a node: the class given (directly or as `type`); `unknown` for a type name, which the compiler cannot see. */
export type NodeRoutine<N> = N extends RoutineClass<infer I> ? I : N extends { readonly type: RoutineClass<infer I> } ? I : unknown;

/**
 * The `wire` function of {@link FlowDefinition.wires}: `flow.wire` with routine ids of the
 * definition. The compiler checks that both ids are declared with a class, that the members
 * exist, and that the event payload (after `paramMapping`) fits the slot.
 */
export type WireFunction<R> = <
  S extends keyof R & string,
  E extends EventMember<NodeRoutine<R[S]>>,
  T extends keyof R & string,
  K extends SlotMember<NodeRoutine<R[T]>>,
  const M extends PayloadMapping<EventPayloadOf<NodeRoutine<R[S]>, E>> = NoMapping,
>(
  source: S,
  event: E,
  target: T,
  slot: K & PayloadCheck<EventPayloadOf<NodeRoutine<R[S]>, E>, M, SlotPayloadOf<NodeRoutine<R[T]>, K>>,
  paramMapping?: KnownKeys<EventPayloadOf<NodeRoutine<R[S]>, E>, M>,
) => WireDefinition;

/**
 * What `defineFlow` takes: a {@link FlowDefinition} whose `wires` may be a function of the
 * typed `wire` (checked by the compiler against the classes in `routines`).
 *
 * @example
 * defineFlow({
 *   name: 'orders',
 *   routines: { intake: OrderIntake, pricing: OrderPricing },
 *   wires: (wire) => [wire('intake', 'accepted', 'pricing', 'onOrder', { id: 'orderId' })],
 * });
 */
export type FlowDefinitionInput<R extends FlowRoutines> = Omit<FlowDefinition, 'routines' | 'wires'> & {
  readonly routines: R;
  readonly wires?: readonly WireDefinition[] | ((wire: WireFunction<R>) => readonly WireDefinition[]);
};

/** Options of a defined flow: those of `new Flow(...)` except the container, which the application supplies. */
export type FlowDefinitionOptions = Omit<FlowOptions, 'container'>;

/**
 * A flow described as data, so an application (plain tsyringe or NestJS) can build it with
 * routine instances from its own injector and register it by name.
 */
export interface FlowDefinition {
  /** The name the flow is registered (and injected) under; also its default `flowId`. */
  readonly name: string;
  /** `new Flow` options. `flowId` defaults to `name`, so every process builds the same id and restored jobs match. */
  readonly options?: FlowDefinitionOptions;
  /** Nodes by routine id, in the order they are added. */
  readonly routines: FlowRoutines;
  /** Connections by event and slot name, in order. @default [] */
  readonly connections?: readonly ConnectionDefinition[];
  /**
   * Connections by class member (as `flow.wire` takes them), made after `connections`, in
   * order. Give them to `defineFlow` as a function `(wire) => [wire(…), …]` to have the
   * compiler check them; `defineFlow` stores the list it returns here.
   */
  readonly wires?: readonly WireDefinition[];
  /** The flow-level error handler. */
  readonly errorHandler?: ErrorHandler;
  /** Called last with the built flow, for anything the declarative form cannot say. */
  readonly setup?: (flow: Flow) => void;
}

const DEFINED = new WeakSet<FlowDefinition>();
const FLOW_KEYS: ReadonlySet<string> = new Set(['name', 'options', 'routines', 'connections', 'wires', 'errorHandler', 'setup']);
const NODE_KEYS: ReadonlySet<string> = new Set(['type', 'config', 'errorHandler']);
const CONNECTION_KEYS: ReadonlySet<string> = new Set(['from', 'to', 'paramMapping']);

function invalid(message: string, details: Record<string, unknown> = {}): DefinitionError {
  return new DefinitionError(ErrorCode.INVALID_DEFINITION, message, { details });
}

function checkKeys(value: object, known: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw invalid(`Unknown key "${key}" in ${where}; known keys: ${[...known].join(', ')}.`, { key });
  }
}

function checkRef(ref: unknown, where: string): void {
  if (typeof ref === 'string') {
    assertName(ref, `${where} type name`);
    return;
  }
  if (typeof ref !== 'function' || !(ref.prototype instanceof RoutineBase)) {
    throw invalid(`${where} must be a RoutineBase subclass or a registered routine type name; got ${describe(ref)}.`);
  }
}

function checkPair(value: unknown, where: string): void {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    throw invalid(`${where} must be a pair [routineId, name] of strings; got ${describe(value)}.`);
  }
}

/**
 * Checks a flow definition and returns a frozen copy whose `options.flowId` is set (to
 * `name` unless given). Every mistake is a `DefinitionError` (`INVALID_DEFINITION`, or
 * `INVALID_ARGUMENT` for a bad name) that says what to fix; routine type names are looked
 * up later, when the flow is built.
 *
 * @example
 * export const ordersFlow = defineFlow({
 *   name: 'orders',
 *   routines: { intake: OrderIntake, pricing: 'orders.pricing' },
 *   connections: [{ from: ['intake', 'accepted'], to: ['pricing', 'input'] }],
 * });
 */
export function defineFlow<const R extends FlowRoutines>(definition: FlowDefinitionInput<R>): FlowDefinition {
  if (DEFINED.has(definition as FlowDefinition)) return definition as FlowDefinition;
  if (!isPlainObject(definition)) throw invalid(`A flow definition must be an object like { name, routines, connections }; got ${describe(definition)}.`);
  checkKeys(definition, FLOW_KEYS, 'a flow definition');
  assertName(definition.name, 'flow definition name');
  const where = `flow "${definition.name}"`;
  if (definition.options !== undefined && !isPlainObject(definition.options)) throw invalid(`${where}: options must be an object of Flow options; got ${describe(definition.options)}.`);
  if (definition.options !== undefined && 'container' in definition.options) {
    throw invalid(`${where}: options.container cannot be set in a definition; the application that builds the flow supplies its container.`);
  }
  if (!isPlainObject(definition.routines) || Object.keys(definition.routines).length === 0) {
    throw invalid(`${where}: routines must be a non-empty object { routineId: RoutineClass | 'type.name' | { type, config?, errorHandler? } }.`);
  }
  const routines: Record<string, RoutineRef | RoutineNodeDefinition> = {};
  for (const [id, node] of Object.entries(definition.routines)) {
    assertName(id, `${where} routine id`);
    if (isPlainObject(node)) {
      checkKeys(node, NODE_KEYS, `${where} routine "${id}"`);
      checkRef(node['type'], `${where} routine "${id}"`);
      if (node['config'] !== undefined && !isPlainObject(node['config'])) throw invalid(`${where} routine "${id}": config must be a plain object of JSON values; got ${describe(node['config'])}.`);
      if (node['errorHandler'] !== undefined && !(node['errorHandler'] instanceof ErrorHandler)) {
        throw invalid(`${where} routine "${id}": errorHandler must be an ErrorHandler; got ${describe(node['errorHandler'])}.`);
      }
      routines[id] = Object.freeze({ ...(node as unknown as RoutineNodeDefinition) });
    } else {
      checkRef(node, `${where} routine "${id}"`);
      routines[id] = node as RoutineRef;
    }
  }
  const connections = definition.connections ?? [];
  if (!Array.isArray(connections)) throw invalid(`${where}: connections must be an array of { from: [routineId, event], to: [routineId, slot] }.`);
  connections.forEach((c: unknown, i) => {
    const at = `${where} connection #${i}`;
    if (!isPlainObject(c)) throw invalid(`${at} must be an object { from: [routineId, event], to: [routineId, slot] }; got ${describe(c)}.`);
    checkKeys(c, CONNECTION_KEYS, at);
    checkPair(c['from'], `${at} from`);
    checkPair(c['to'], `${at} to`);
    for (const [end, pair] of [['from', c['from']], ['to', c['to']]] as const) {
      const routineId = (pair as readonly string[])[0]!;
      if (!Object.prototype.hasOwnProperty.call(routines, routineId)) {
        throw invalid(`${at} ${end}: routine "${routineId}" is not declared in routines; add it to routines (declared: ${Object.keys(routines).join(', ')}) or fix the id.`, {
          connection: i,
          routineId,
        });
      }
    }
    if (c['paramMapping'] !== undefined && !isPlainObject(c['paramMapping'])) throw invalid(`${at} paramMapping must be an object { fromKey: toKey }.`);
  });
  const wires = recordWires(definition.wires, routines, where);
  if (definition.errorHandler !== undefined && !(definition.errorHandler instanceof ErrorHandler)) {
    throw invalid(`${where}: errorHandler must be an ErrorHandler; got ${describe(definition.errorHandler)}.`);
  }
  if (definition.setup !== undefined && typeof definition.setup !== 'function') throw invalid(`${where}: setup must be a function (flow) => void.`);
  const out: FlowDefinition = Object.freeze({
    ...definition,
    options: Object.freeze({ ...definition.options, flowId: definition.options?.flowId ?? definition.name }),
    routines: Object.freeze(routines),
    connections: Object.freeze(connections.map((c) => Object.freeze({ ...c }))),
    wires,
  });
  DEFINED.add(out);
  return out;
}

/**
 * The class behind a {@link RoutineRef}: the class itself, or the class registered under
 * the type name. An unknown name → `UNKNOWN_ROUTINE_TYPE`.
 */
export function resolveRoutineType(ref: RoutineRef): RoutineClass<RoutineBase> {
  if (typeof ref !== 'string') {
    checkRef(ref, 'A routine reference');
    return ref;
  }
  const cls = RoutineRegistry.get(ref);
  if (cls === undefined) {
    throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE_TYPE, `No routine type is registered as "${ref}"; decorate the class with @Routine({ name: '${ref}' }) and make sure its module is imported before the flow is built.`, {
      details: { name: ref },
    });
  }
  return cls as RoutineClass<RoutineBase>;
}

/** Normalises a node of a definition to `{ type, config?, errorHandler? }`. */
export function nodeDefinition(node: RoutineRef | RoutineNodeDefinition): RoutineNodeDefinition {
  return typeof node === 'object' && node !== null ? node : { type: node };
}

/**
 * Builds a flow from a definition. `resolveRoutine(type, routineId)` supplies each node's
 * routine instance (from the application's injector); it is called once per node, in
 * order. With `into`, that empty flow (created with the definition's options) is filled
 * instead of a new one. Node config and error handlers, connections, the flow error
 * handler, wires and `setup` are applied in that order.
 */
export function assembleFlow(definition: FlowDefinition, resolveRoutine: (type: RoutineClass<RoutineBase>, routineId: string) => RoutineBase, into?: Flow): Flow {
  const def = defineFlow(definition);
  if (typeof resolveRoutine !== 'function') throw invalid(`assembleFlow(definition, resolveRoutine): resolveRoutine must be a function (type, routineId) => routine.`);
  let flow: Flow;
  if (into === undefined) {
    flow = new Flow(def.options);
  } else {
    if (!(into instanceof Flow) || into.routines.size > 0 || into.flowId !== def.options?.flowId) {
      throw new ExecutionError(ErrorCode.INVALID_STATE, `assembleFlow: the flow to fill must be an empty Flow with flowId "${String(def.options?.flowId)}".`);
    }
    flow = into;
  }
  const routines: RoutineSpec[] = Object.entries(def.routines).map(([id, raw]) => {
    const node = nodeDefinition(raw);
    const type = resolveRoutineType(node.type);
    return {
      id,
      create: () => {
        const routine = resolveRoutine(type, id);
        if (!(routine instanceof type)) {
          throw invalid(`Flow "${def.name}": the injector returned ${describe(routine)} for routine "${id}", not an instance of ${type.name}.`, { routineId: id });
        }
        return routine;
      },
      ...(node.config !== undefined ? { config: node.config } : {}),
      ...(node.errorHandler !== undefined ? { errorHandler: node.errorHandler } : {}),
    };
  });
  const connections = (def.connections ?? []).map((c) => ({
    sourceRoutineId: c.from[0],
    sourceEvent: c.from[1],
    targetRoutineId: c.to[0],
    targetSlot: c.to[1],
    ...(c.paramMapping !== undefined ? { paramMapping: c.paramMapping } : {}),
  }));
  loadFlow({ routines, connections, ...(def.errorHandler !== undefined ? { errorHandler: def.errorHandler } : {}) }, flow);
  connectWires(flow, def.wires ?? []);
  def.setup?.(flow);
  return flow;
}
