import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, RoutiluxError, SerializationError } from '../errors/routilux-error.js';
import { FORBIDDEN_KEYS } from './guards.js';

/** @internal the size and depth bounds a payload is checked against. */
export interface PayloadBounds {
  readonly maxPayloadBytes: number;
  readonly maxPayloadDepth: number;
}

/** @internal how deeply {@link checkData} looks. */
export interface CheckDataOptions {
  /** Size and depth bounds. */
  readonly limits: PayloadBounds;
  /**
   * `'entry'`: data entering a job from outside — the JSON data rules and forbidden keys
   * apply at every depth (INVALID_ARGUMENT / FORBIDDEN_KEY). `'bounded'`: only depth, cycles
   * and size (sendOutput). `'stored'`: like `'bounded'`, for data being serialized (a cycle
   * or a value JSON cannot write is INVALID_FORMAT).
   */
  readonly mode: 'entry' | 'bounded' | 'stored';
  /** JSON Pointer of `value` in its document, prefixed to every reported path. @default '' */
  readonly path?: string;
}

/**
 * @internal The cheap check of an emit: a plain object (its prototype `Object.prototype` or
 * null) at the top level; what is inside is not looked at (api.md §5).
 */
export function isPlainTopLevel(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** @internal one JSON Pointer reference token appended to `base` (RFC 6901 escaping). */
export function pointer(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function found(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`;
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (value instanceof Date) return 'a Date (pass date.toISOString())';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return `an instance of ${typeof name === 'string' && name.length > 0 ? name : 'a class'}`;
}

function notData(what: string, path: string, value: unknown, mode: CheckDataOptions['mode']): RoutiluxError {
  const where = path === '' ? '' : ` at ${path}`;
  if (mode === 'stored') {
    return new SerializationError(ErrorCode.INVALID_FORMAT, `${what} cannot be written as JSON: it holds ${found(value)}${where}. Keep job data JSON data (plain objects, arrays, strings, finite numbers, booleans, null).`, {
      details: { path },
    });
  }
  return new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what} must be JSON data (plain objects, arrays, strings, finite numbers, booleans, null); it holds ${found(value)}${where}. Convert it first (e.g. Object.fromEntries(map), date.toISOString()).`, {
    details: { path },
  });
}

function cycle(what: string, path: string, mode: CheckDataOptions['mode']): RoutiluxError {
  const Err = mode === 'stored' ? SerializationError : InvalidArgumentError;
  return new Err(mode === 'stored' ? ErrorCode.INVALID_FORMAT : ErrorCode.INVALID_ARGUMENT, `${what} refers back to itself at ${path || '/'} (a cycle); JSON data is a tree. Send a copy without the back reference.`, {
    details: { path },
  });
}

/** A value to visit, with where it sits (the JSON Pointer is built only for an error). */
interface Visit {
  readonly value: unknown;
  readonly parent: Visit | undefined;
  readonly key: string | number;
  readonly depth: number;
}
type Frame = Visit | { readonly exit: object };

function pathOf(visit: Visit | undefined, base: string): string {
  const keys: (string | number)[] = [];
  for (let v = visit; v !== undefined && v.parent !== undefined; v = v.parent) keys.push(v.key);
  let path = base;
  for (let i = keys.length - 1; i >= 0; i--) path = pointer(path, keys[i]!);
  return path;
}

/** The most bytes a JSON string of `length` UTF-16 units can take (an escape is 6 ASCII bytes). */
const stringBound = (length: number): number => length * 6 + 2;

/**
 * @internal Checks `value` without recursion (hostile nesting cannot overflow the stack)
 * and without following a cycle: depth over `maxPayloadDepth` → DEPTH_EXCEEDED; in
 * `'entry'` mode non-JSON data → INVALID_ARGUMENT and a `__proto__` / `constructor` /
 * `prototype` key → FORBIDDEN_KEY; then the UTF-8 size of `JSON.stringify(value)` over
 * `maxPayloadBytes` → PAYLOAD_TOO_LARGE. Every error has `details.path` (a JSON Pointer).
 * Depth counts object/array nesting: `{ a: 1 }` has depth 1.
 *
 * In `'entry'` mode every value is JSON data, so an upper bound of its JSON size is summed
 * on the way; only when that bound is over the limit is the value stringified to measure it.
 */
export function checkData(value: unknown, what: string, options: CheckDataOptions): void {
  const { limits, mode } = options;
  const base = options.path ?? '';
  const strict = mode === 'entry';
  const limit = limits.maxPayloadBytes;
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (strict && !Number.isFinite(value)) throw notData(what, base, value, mode);
    if (limit < 24) checkSize(value, what, limit, base, mode);
    return;
  }
  if (typeof value === 'string') {
    if (stringBound(value.length) > limit) checkSize(value, what, limit, base, mode);
    return;
  }
  let bound = 0;
  const onPath = new Set<object>();
  const stack: Frame[] = [{ value, parent: undefined, key: '', depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('exit' in frame) {
      onPath.delete(frame.exit);
      continue;
    }
    const v = frame.value;
    if (v === null || typeof v === 'boolean') {
      bound += 5;
      continue;
    }
    if (typeof v === 'string') {
      bound += stringBound(v.length);
      continue;
    }
    if (typeof v === 'number') {
      if (strict && !Number.isFinite(v)) throw notData(what, pathOf(frame, base), v, mode);
      bound += 24;
      continue;
    }
    if (typeof v !== 'object') {
      if (strict) throw notData(what, pathOf(frame, base), v, mode);
      continue;
    }
    const depth = frame.depth + 1;
    if (depth > limits.maxPayloadDepth) {
      const path = pathOf(frame, base);
      throw new InvalidArgumentError(ErrorCode.DEPTH_EXCEEDED, `${what} is nested deeper than the limit of ${limits.maxPayloadDepth} levels at ${path || '/'}; flatten the data or raise limits.maxPayloadDepth.`, {
        details: { limit: limits.maxPayloadDepth, path },
      });
    }
    if (onPath.has(v)) throw cycle(what, pathOf(frame, base), mode);
    const isArray = Array.isArray(v);
    if (strict && !isArray) {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw notData(what, pathOf(frame, base), v, mode);
    }
    onPath.add(v);
    stack.push({ exit: v });
    if (isArray) {
      bound += 2 + v.length;
      for (let i = v.length - 1; i >= 0; i--) {
        const item = (v as unknown[])[i];
        const visit: Visit = { value: item, parent: frame, key: i, depth };
        if (strict && item === undefined) throw notData(what, pathOf(visit, base), item, mode);
        stack.push(visit);
      }
      continue;
    }
    const keys = Object.keys(v);
    bound += 2;
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const item = (v as Record<string, unknown>)[key];
      const visit: Visit = { value: item, parent: frame, key, depth };
      if (strict && FORBIDDEN_KEYS.has(key)) {
        const path = pathOf(visit, base);
        throw new InvalidArgumentError(ErrorCode.FORBIDDEN_KEY, `${what} has the key "${key}" at ${path}; it is refused because it could reach an object prototype. Rename the key.`, {
          details: { path, key },
        });
      }
      if (strict && item === undefined) throw notData(what, pathOf(visit, base), item, mode);
      bound += stringBound(key.length) + 2;
      stack.push(visit);
    }
  }
  if (!strict || bound > limit) checkSize(value, what, limit, base, mode);
}

function checkSize(value: unknown, what: string, limit: number, path: string, mode: CheckDataOptions['mode']): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    // A BigInt, or a toJSON that throws: not something JSON can write.
    const Err = mode === 'stored' ? SerializationError : InvalidArgumentError;
    throw new Err(mode === 'stored' ? ErrorCode.INVALID_FORMAT : ErrorCode.INVALID_ARGUMENT, `${what} cannot be written as JSON (${cause instanceof Error ? cause.message : String(cause)}); keep it JSON data.`, {
      cause,
      details: { path },
    });
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short texts need no byte count.
  if (text === undefined || text.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit) {
    throw new InvalidArgumentError(ErrorCode.PAYLOAD_TOO_LARGE, `${what} is ${bytes} bytes as JSON, over the limit of ${limit}; send a reference (an id, a URL) instead of the data, or raise limits.maxPayloadBytes.`, {
      details: { limit, actual: bytes, path },
    });
  }
}
