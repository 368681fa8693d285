import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { scanRoutineClass } from '../metadata/metadata-scanner.js';
import type { EventDefinition, SlotDefinition } from '../routine/definitions.js';
import { EventPort } from '../routine/event-port.js';
import type { RoutineBase } from '../routine/routine-base.js';
import { describe } from '../utils/guards.js';

// The typed wiring of docs/decisions/0007-typed-wiring.md: the compiler reads a routine's
// events and slots from the members of its class (an `EventPort<T>` or `EventDefinition<T>`
// property is an event, a method or a `SlotDefinition<T>` property is a slot), checks the
// payload against the slot after the parameter mapping, and at run time each member is
// resolved to the name it declares, so the result is the Connection of `flow.connect`.

declare const routineType: unique symbol;

/**
 * A routine id that remembers the routine's type: what `flow.addRoutine` returns. It is a
 * string (use it wherever an id goes); `flow.wire` reads the type to check the wiring.
 */
export type RoutineId<R = RoutineBase> = string & { readonly [routineType]?: R };

/** The members of `RoutineBase` itself, which are never events or slots. */
type BaseMember = keyof RoutineBase;

/** The payload type carried by an event member (`EventPort<T>` or `EventDefinition<T>`). */
export type EventPayload<M> = M extends EventPort<infer T> ? T : M extends EventDefinition<infer T> ? T : never;

/** The payload type a slot member takes: a handler method's first parameter, or the `T` of a `SlotDefinition<T>`. */
export type SlotPayload<M> = M extends (data: infer P, ...rest: never[]) => unknown ? P : M extends SlotDefinition<infer T> ? T : never;

/** The names of the members of `R` that are events: properties holding an `EventPort<T>` or an `EventDefinition<T>`. */
export type EventMember<R> = {
  [K in keyof R]-?: K extends BaseMember ? never : R[K] extends EventPort<infer _T> ? K : R[K] extends EventDefinition<infer _U> ? K : never;
}[keyof R] &
  string;

/**
 * The names of the members of `R` that can be slots: methods taking `(data, ctx?)` and
 * properties holding a `SlotDefinition<T>`. (A public method that is not a `@Slot` passes
 * the compiler and is refused by `flow.wire` with `UNKNOWN_SLOT`.)
 */
export type SlotMember<R> = {
  [K in keyof R]-?: K extends BaseMember ? never : R[K] extends (data: never, ctx: never) => unknown ? K : R[K] extends SlotDefinition<infer _T> ? K : never;
}[keyof R] &
  string;

/** A parameter mapping `{ from: to }` whose `from` keys are keys of the payload `E`. */
export type PayloadMapping<E> = { readonly [K in keyof E & string]?: string };

/**
 * The payload a slot receives from an event carrying `E` through the mapping `M` (api.md §3):
 * each mapped key is also delivered under its target, and replaces a key of that name.
 */
export type MappedPayload<E, M> = Omit<E, M[keyof M] & PropertyKey> & { [K in keyof E as K extends keyof M ? M[K] & string : never]: E[K] };

/** `unknown` when `E` through `M` fits the slot's `P`; otherwise a type naming both, so the slot argument fails to compile. */
export type PayloadCheck<E, M, P> = [MappedPayload<E, M>] extends [P] ? unknown : { readonly 'the event payload (after paramMapping) does not fit the slot': { readonly delivered: MappedPayload<E, M>; readonly expected: P } };

/** Refuses mapping keys that are not keys of the payload `E`. */
export type KnownKeys<E, M> = M & { readonly [K in Exclude<keyof M, keyof E>]: never };

/** A routine's members resolved to the names `flow.connect` takes. @internal */
export interface ResolvedWire {
  readonly sourceEvent: string;
  readonly targetSlot: string;
}

function memberName(member: unknown): string {
  return typeof member === 'string' ? member : describe(member);
}

/**
 * @internal The event name declared by member `member` of `routine`: the bound name of an
 * `EventPort`, or the name of an `EventDefinition` that `defineEvent` returned. Anything
 * else → `UNKNOWN_EVENT`, saying which members are events.
 */
export function eventNameOf(routine: RoutineBase, routineId: string, member: unknown): string {
  const value = typeof member === 'string' ? (routine as unknown as Record<string, unknown>)[member] : undefined;
  if (value instanceof EventPort && value.name !== undefined && routine.events.has(value.name)) return value.name;
  if (typeof value === 'object' && value !== null) {
    const name = (value as { name?: unknown }).name;
    if (typeof name === 'string' && routine.events.get(name) === value) return name;
  }
  const known = Object.keys(routine).filter((k) => {
    const v = (routine as unknown as Record<string, unknown>)[k];
    return v instanceof EventPort || [...routine.events.values()].some((d) => d === v);
  });
  throw new DefinitionError(
    ErrorCode.UNKNOWN_EVENT,
    `flow.wire: member "${memberName(member)}" of routine "${routineId}" is not an event; name a property that holds an event<T>() declared with @Event or what defineEvent<T>() returned (event members: ${known.join(', ') || '(none)'}), or use flow.connect with the event name.`,
    { details: { routineId, member: memberName(member) } },
  );
}

/**
 * @internal The slot name declared by member `member` of `routine`: the `@Slot` name of a
 * method, or the name of a `SlotDefinition` that `defineSlot` returned. Anything else (a
 * method that is not a slot, a method that declares several) → `UNKNOWN_SLOT`.
 */
export function slotNameOf(routine: RoutineBase, routineId: string, member: unknown): string {
  const value = typeof member === 'string' ? (routine as unknown as Record<string, unknown>)[member] : undefined;
  if (typeof value === 'function') {
    const names = [...scanRoutineClass(routine.constructor).slots.values()].filter((s) => s.methodKey === member).map((s) => s.name);
    if (names.length === 1 && routine.slots.has(names[0]!)) return names[0]!;
    if (names.length > 1) {
      throw new DefinitionError(
        ErrorCode.UNKNOWN_SLOT,
        `flow.wire: method "${memberName(member)}" of routine "${routineId}" handles several slots (${names.join(', ')}); connect one of them by name with flow.connect.`,
        { details: { routineId, member: memberName(member), slots: names } },
      );
    }
  } else if (typeof value === 'object' && value !== null) {
    const name = (value as { name?: unknown }).name;
    if (typeof name === 'string' && routine.slots.get(name) === value) return name;
  }
  const decorated = [...scanRoutineClass(routine.constructor).slots.values()].map((s) => String(s.methodKey));
  const defined = Object.keys(routine).filter((k) => [...routine.slots.values()].some((d) => d === (routine as unknown as Record<string, unknown>)[k]));
  throw new DefinitionError(
    ErrorCode.UNKNOWN_SLOT,
    `flow.wire: member "${memberName(member)}" of routine "${routineId}" is not a slot; name a method declared with @Slot or a property holding what defineSlot<T>() returned (slot members: ${[...decorated, ...defined].join(', ') || '(none)'}), or use flow.connect with the slot name.`,
    { details: { routineId, member: memberName(member) } },
  );
}

/** @internal Resolves the two members of a typed wire to the names of `flow.connect`. */
export function resolveWire(source: RoutineBase, sourceId: string, eventMember: unknown, target: RoutineBase, targetId: string, slotMember: unknown): ResolvedWire {
  return { sourceEvent: eventNameOf(source, sourceId, eventMember), targetSlot: slotNameOf(target, targetId, slotMember) };
}

/** The payload of event member `E` of `S`. */
export type EventPayloadOf<S, E> = EventPayload<S[E & keyof S]>;

/** The payload slot member `K` of `T` takes. */
export type SlotPayloadOf<T, K> = SlotPayload<T[K & keyof T]>;

/** No parameter mapping. */
export type NoMapping = Readonly<Record<never, string>>;
