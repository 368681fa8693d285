import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import type { StoredJson } from '../ports/job-store.js';
import { FORBIDDEN_KEYS } from '../utils/guards.js';

const MAX_DEPTH = 256;

function refuse(what: string, path: string, found: string): never {
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what}: ${path} is ${found}; a store keeps only JSON values (plain objects, arrays, strings, finite numbers, booleans, null).`, {
    details: { path },
  });
}

/**
 * A deep copy of `value` that a store can keep: checks on the way that it is JSON (no
 * `undefined`, functions, class instances, `NaN`, cycles or prototype keys) and names the
 * path of the first offender in an `INVALID_ARGUMENT` error. A `Date` becomes its ISO
 * string, as `JSON.stringify` and `jobState.serialize()` promise. Copying in and out means a
 * caller that mutates its object never changes what a store holds.
 */
export function copyStoredJson(value: unknown, what: string, path = '$'): StoredJson {
  return copy(value, what, path, 0, new Set());
}

function copy(value: unknown, what: string, path: string, depth: number, onPath: Set<object>): StoredJson {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : refuse(what, path, `the number ${String(value)}`);
  if (typeof value !== 'object') return refuse(what, path, value === undefined ? 'undefined' : `a ${typeof value}`);
  if (depth > MAX_DEPTH) return refuse(what, path, `nested deeper than ${MAX_DEPTH} levels`);
  if (onPath.has(value)) return refuse(what, path, 'a cycle');
  onPath.add(value);
  try {
    if (Array.isArray(value)) {
      const out: StoredJson[] = new Array<StoredJson>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = copy(value[i], what, `${path}[${i}]`, depth + 1, onPath);
      return out;
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? refuse(what, path, 'an invalid Date') : value.toISOString();
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return refuse(what, path, `an instance of ${(value as object).constructor?.name ?? 'a class'}`);
    const out: Record<string, StoredJson> = {};
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return refuse(what, `${path}.${key}`, 'a forbidden key (it could reach an object prototype)');
      out[key] = copy((value as Record<string, unknown>)[key], what, `${path}.${key}`, depth + 1, onPath);
    }
    return out;
  } finally {
    onPath.delete(value);
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: StoredJson | undefined): value is { readonly [key: string]: StoredJson } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
