/** A typed metadata key: the phantom type documents what is stored under it. @internal */
export type MetadataKey<T> = symbol & { readonly __type?: T };

/** @internal options given to `@Routine` */
export const ROUTINE_OPTIONS_KEY: MetadataKey<RoutineMetadata> = Symbol.for('routilux:routine');
/** @internal slots declared on one class (own, not inherited) */
export const SLOTS_KEY: MetadataKey<SlotMetadata[]> = Symbol.for('routilux:slots');
/** @internal events declared on one class (own, not inherited) */
export const EVENTS_KEY: MetadataKey<EventMetadata[]> = Symbol.for('routilux:events');
/** @internal the routine-level logic method declared with `@Logic` on one class (own, not inherited) */
export const LOGIC_KEY: MetadataKey<LogicMetadata> = Symbol.for('routilux:logic');

/** What `@Routine` records. */
export interface RoutineMetadata {
  /** Stable type name used by the routine registry and serialization. */
  readonly name: string;
  /** Optional class-validator class describing the routine's configuration. */
  readonly configClass?: new () => object;
  /** Default activation timeout of the routine's slots and logic, ms. */
  readonly timeout?: number;
}

/** What `@Slot` records. */
export interface SlotMetadata {
  readonly name: string;
  readonly methodKey: string | symbol;
  readonly merge?: unknown;
  readonly maxQueueLength?: number;
  /** Activation timeout of the slot, ms. */
  readonly timeout?: number;
  /** True for a slot declared by `@Logic({ slots })`: it has no handler (its data feeds the logic). */
  readonly handlerless?: boolean;
}

/** What `@Logic` records. */
export interface LogicMetadata {
  /** The method that is the routine's logic. */
  readonly methodKey: string | symbol;
  /** The routine-level activation policy given to `@Logic`, if any (an ActivationPolicy). */
  readonly policy?: unknown;
}

/** What `@Event` records. */
export interface EventMetadata {
  readonly name: string;
  readonly propertyKey: string | symbol;
  readonly params: readonly string[];
}
