import { checkOptions } from '../utils/closed-options.js';
import { ErrorCode } from '../errors/error-codes.js';
import { RegistryError } from '../errors/routilux-error.js';
import { assertName } from '../utils/guards.js';

// Named function registry: functions cannot be serialized, names can. A merge strategy,
// retryable predicate or condition attached from outside a routine class is saved by the
// name it was registered under and looked up again when the flow is loaded.

type AnyFunction = (...args: never[]) => unknown;
const byName = new Map<string, AnyFunction>();
const byFn = new Map<AnyFunction, string>();

/** Registry of named functions used by serialization (merge strategies, predicates, conditions). */
export const FunctionRegistry = {
  /** Registers `fn` under `name`. A taken name with another function → `DUPLICATE_FUNCTION_NAME`. */
  register<F extends AnyFunction>(name: string, fn: F, options: { override?: boolean } = {}): F {
    checkOptions(options, ['override'], 'FunctionRegistry.register');
    assertName(name, 'function name');
    if (typeof fn !== 'function') {
      throw new RegistryError(ErrorCode.INVALID_ARGUMENT, `FunctionRegistry.register("${name}") needs a function; got ${typeof fn}.`);
    }
    const existing = byName.get(name);
    if (existing !== undefined && existing !== fn && options.override !== true) {
      throw new RegistryError(ErrorCode.DUPLICATE_FUNCTION_NAME, `A different function is already registered as "${name}"; pick another name or pass { override: true }.`, {
        details: { name },
      });
    }
    if (existing !== undefined) byFn.delete(existing);
    byName.set(name, fn);
    byFn.set(fn, name);
    return fn;
  },
  /** The function registered under `name`, or undefined. */
  get(name: string): AnyFunction | undefined {
    return byName.get(name);
  },
  /** The name `fn` is registered under, or undefined. */
  nameOf(fn: AnyFunction): string | undefined {
    return byFn.get(fn);
  },
  /** Every registered name. */
  list(): string[] {
    return [...byName.keys()];
  },
  /** Removes one registration; returns whether it existed. */
  unregister(name: string): boolean {
    const fn = byName.get(name);
    if (fn === undefined) return false;
    byName.delete(name);
    byFn.delete(fn);
    return true;
  },
};
