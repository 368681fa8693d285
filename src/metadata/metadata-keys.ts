/** A typed metadata key: the phantom type documents what is stored under it. @internal */
export type MetadataKey<T> = symbol & { readonly __type?: T };

/** @internal options given to `@Routine` */
export const ROUTINE_OPTIONS_KEY: MetadataKey<RoutineMetadata> = Symbol.for('routilux:routine');
/** @internal slots declared on one class (own, not inherited) */
export const SLOTS_KEY: MetadataKey<SlotMetadata[]> = Symbol.for('routilux:slots');
/** @internal events declared on one class (own, not inherited) */
export const EVENTS_KEY: MetadataKey<EventMetadata[]> = Symbol.for('routilux:events');

/** What `@Routine` records. */
export interface RoutineMetadata {
  /** Stable type name used by the routine registry and serialization. */
  readonly name: string;
  /** Optional class-validator class describing the routine's configuration. */
  readonly configClass?: new () => object;
}

/** What `@Slot` records. */
export interface SlotMetadata {
  readonly name: string;
  readonly methodKey: string | symbol;
  readonly merge?: unknown;
  readonly maxQueueLength?: number;
}

/** What `@Event` records. */
export interface EventMetadata {
  readonly name: string;
  readonly propertyKey: string | symbol;
  readonly params: readonly string[];
}
