import { ErrorCode } from '../errors/error-codes.js';
import { RegistryError } from '../errors/routilux-error.js';
import { assertName } from '../utils/guards.js';

/** Any constructor of a routine. */
export type RoutineClass<T = object> = abstract new (...args: never[]) => T;

const byName = new Map<string, RoutineClass>();
const byClass = new Map<RoutineClass, string>();

/**
 * Maps stable routine type names to classes, so serialized flows can be rebuilt.
 * `@Routine` registers automatically; plain classes are registered by hand.
 * Deserialization instantiates only classes found here.
 */
export const RoutineRegistry = {
  /**
   * Registers `cls` under `name`. Registering the same class again under the same
   * name is a no-op; another class under a taken name → `DUPLICATE_ROUTINE_TYPE`
   * unless `{ override: true }`.
   */
  register(name: string, cls: RoutineClass, options: { override?: boolean } = {}): void {
    assertName(name, 'routine type name');
    if (typeof cls !== 'function') {
      throw new RegistryError(ErrorCode.INVALID_ARGUMENT, `RoutineRegistry.register("${name}") needs a class; got ${typeof cls}.`);
    }
    const existing = byName.get(name);
    if (existing !== undefined && existing !== cls && options.override !== true) {
      throw new RegistryError(
        ErrorCode.DUPLICATE_ROUTINE_TYPE,
        `Routine type "${name}" is already registered by class ${existing.name}; choose another name with @Routine({ name }) or pass { override: true }.`,
        { details: { name } },
      );
    }
    if (existing !== undefined) byClass.delete(existing);
    byName.set(name, cls);
    byClass.set(cls, name);
  },
  /** The class registered under `name`, or undefined. */
  get(name: string): RoutineClass | undefined {
    return typeof name === 'string' ? byName.get(name) : undefined;
  },
  /** The registered type name of a class (walking up to a registered base is not done). */
  nameOf(cls: RoutineClass): string | undefined {
    return byClass.get(cls);
  },
  /** True when `name` is registered. */
  has(name: string): boolean {
    return byName.has(name);
  },
  /** Every registered type name. */
  list(): string[] {
    return [...byName.keys()];
  },
  /** Removes one registration; returns whether it existed. */
  unregister(name: string): boolean {
    const cls = byName.get(name);
    if (cls === undefined) return false;
    byName.delete(name);
    byClass.delete(cls);
    return true;
  },
};
