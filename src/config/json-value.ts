import { ErrorCode } from '../errors/error-codes.js';
import { ConfigValidationError } from '../errors/routilux-error.js';
import { FORBIDDEN_KEYS, describe } from '../utils/guards.js';

/** A JSON value: what routine configuration may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** @internal checks that `value` is JSON-safe (finite numbers, no functions, no cycles, no forbidden keys). */
export function assertJsonValue(value: unknown, path: string, depth = 0, seen: Set<object> = new Set()): asserts value is JsonValue {
  const fail = (why: string): never => {
    throw new ConfigValidationError(ErrorCode.INVALID_CONFIG, `Configuration ${path} ${why}. Configuration holds JSON values only (strings, finite numbers, booleans, null, arrays, plain objects).`, {
      details: { path },
    });
  };
  if (depth > 64) fail('is nested deeper than 64 levels');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(`is ${String(value)}`);
    return;
  }
  if (typeof value !== 'object') fail(`is ${describe(value)}`);
  const obj = value as object;
  if (seen.has(obj)) fail('contains a cycle');
  seen.add(obj);
  if (Array.isArray(obj)) {
    obj.forEach((item, i) => assertJsonValue(item, `${path}[${i}]`, depth + 1, seen));
  } else {
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) fail('is not a plain object');
    for (const key of Object.keys(obj)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ConfigValidationError(ErrorCode.FORBIDDEN_KEY, `Configuration ${path} has the forbidden key "${key}"; rename it.`, { details: { path, key } });
      }
      assertJsonValue((obj as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, seen);
    }
  }
  seen.delete(obj);
}

/** @internal deep copy of a JSON value (config is copied in and out, never shared). */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) out[key] = cloneJson((value as Record<string, JsonValue>)[key] as JsonValue);
  return out as T;
}
