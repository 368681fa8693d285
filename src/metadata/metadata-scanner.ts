import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError } from '../errors/routilux-error.js';
import { EVENTS_KEY, ROUTINE_OPTIONS_KEY, SLOTS_KEY, type EventMetadata, type RoutineMetadata, type SlotMetadata } from './metadata-keys.js';
import { getOwn } from './metadata-store.js';

/** The frozen, class-level view of a decorated routine class. */
export interface RoutineClassDefinition {
  /** The class itself. */
  readonly ctor: Function;
  /** `@Routine` options of the class itself, if decorated. */
  readonly routine: RoutineMetadata | undefined;
  /** Slots declared with `@Slot` on the class and its bases, by name. */
  readonly slots: ReadonlyMap<string, SlotMetadata>;
  /** Events declared with `@Event` on the class and its bases, by name. */
  readonly events: ReadonlyMap<string, EventMetadata>;
}

const cache = new WeakMap<Function, RoutineClassDefinition>();

function chainOf(ctor: Function): Function[] {
  const chain: Function[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c as Function);
  return chain;
}

/**
 * Turns a class (and its base classes) into a frozen routine definition, once per class.
 * A subclass re-decorating the same method or property keeps one entry; two members
 * claiming one name fail with DUPLICATE_SLOT / DUPLICATE_EVENT.
 */
export function scanRoutineClass(ctor: Function): RoutineClassDefinition {
  const cached = cache.get(ctor);
  if (cached !== undefined) return cached;
  const slots = new Map<string, SlotMetadata>();
  const events = new Map<string, EventMetadata>();
  for (const cls of chainOf(ctor)) {
    for (const s of getOwn(SLOTS_KEY, cls.prototype as object) ?? []) {
      const prev = slots.get(s.name);
      if (prev !== undefined && prev.methodKey !== s.methodKey) {
        throw new DefinitionError(ErrorCode.DUPLICATE_SLOT, `Slot "${s.name}" is declared twice in ${ctor.name} (methods ${String(prev.methodKey)} and ${String(s.methodKey)}); give one a different name.`, {
          details: { routine: ctor.name, slot: s.name },
        });
      }
      slots.set(s.name, s);
    }
    for (const e of getOwn(EVENTS_KEY, cls.prototype as object) ?? []) {
      const prev = events.get(e.name);
      if (prev !== undefined && prev.propertyKey !== e.propertyKey) {
        throw new DefinitionError(ErrorCode.DUPLICATE_EVENT, `Event "${e.name}" is declared twice in ${ctor.name} (properties ${String(prev.propertyKey)} and ${String(e.propertyKey)}); give one a different name.`, {
          details: { routine: ctor.name, event: e.name },
        });
      }
      events.set(e.name, e);
    }
  }
  const def: RoutineClassDefinition = Object.freeze({ ctor, routine: getOwn(ROUTINE_OPTIONS_KEY, ctor), slots, events });
  cache.set(ctor, def);
  return def;
}

/** The nearest `@Routine` metadata on the class or its bases. */
export function findRoutineMetadata(ctor: Function): RoutineMetadata | undefined {
  for (let c: unknown = ctor; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const m = getOwn(ROUTINE_OPTIONS_KEY, c as Function);
    if (m !== undefined) return m;
  }
  return undefined;
}
