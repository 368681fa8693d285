import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, RoutiluxError } from '../errors/routilux-error.js';

/** Keys that would reach an object's prototype if used as property names. @internal */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A plain JSON-like record. */
export type PlainObject = Record<string, unknown>;

/** @internal */
export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal throws FORBIDDEN_KEY for a key that could pollute a prototype. */
export function assertSafeKey(key: string, where: string): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new RoutiluxError(ErrorCode.FORBIDDEN_KEY, `${where}: the key "${key}" is not allowed; rename it (it would reach an object prototype).`, {
      details: { key, where },
    });
  }
}

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/** @internal true for a valid id or name (the pattern of {@link assertName}, forbidden keys excluded). */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME_RE.test(value) && !FORBIDDEN_KEYS.has(value);
}

/** @internal validates ids and names (routine ids, slot and event names). */
export function assertName(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || !NAME_RE.test(value)) {
    throw new InvalidArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      `${what} must be 1-128 characters of letters, digits, "_", ".", ":" or "-" (not starting with "." ":" or "-"); got ${describe(value)}.`,
      { details: { what, value: typeof value === 'string' ? value.slice(0, 200) : typeof value } },
    );
  }
  assertSafeKey(value, what);
}

/** @internal */
export function assertPayload(value: unknown, what: string): asserts value is PlainObject {
  if (!isPlainObject(value)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what} must be a plain object (e.g. { value: 1 }); got ${describe(value)}.`, {
      details: { what, type: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value },
    });
  }
}

/** @internal */
export function assertNumber(
  value: unknown,
  what: string,
  opts: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean } = {},
): asserts value is number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!opts.integer || Number.isInteger(value)) &&
    (opts.min === undefined || (opts.minExclusive ? value > opts.min : value >= opts.min)) &&
    (opts.max === undefined || value <= opts.max);
  if (!ok) {
    const range = [
      opts.integer ? 'an integer' : 'a finite number',
      opts.min !== undefined ? `${opts.minExclusive ? '>' : '>='} ${opts.min}` : '',
      opts.max !== undefined ? `<= ${opts.max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what} must be ${range}; got ${describe(value)}.`, {
      details: { what, value: typeof value === 'number' ? value : String(value) },
    });
  }
}

/** @internal an activation timeout: a positive finite number of ms, else `INVALID_ARGUMENT`. */
export function assertActivationTimeout(value: unknown, what: string): asserts value is number {
  assertNumber(value, what, { min: 0, minExclusive: true });
}

/** @internal short human description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
    if (proto === null || proto === Object.prototype) return 'an object';
    const name = proto.constructor?.name;
    return typeof name === 'string' && name.length > 0 ? `an instance of ${name}` : 'an instance of a class';
  }
  return String(value);
}

/** @internal turns anything thrown into an Error. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : `non-Error value thrown: ${describe(value)}`);
}
