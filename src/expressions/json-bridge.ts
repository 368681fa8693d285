import { EXPRESSION_LIMITS } from './expression-limits.js';
import { ExpressionEvaluationError } from './expression-errors.js';

/** What an expression sees of one payload, and how big it is. @internal */
export interface CelInput {
  readonly value: unknown;
  /** Largest list or map (element count) in the payload. */
  readonly maxCollection: number;
  /** Longest string in the payload. */
  readonly maxString: number;
}

/**
 * @internal Copies a payload into the plain data an expression may see: null-prototype
 * maps, arrays, strings, booleans, null, BigInt for safe integers (CEL `int`) and
 * numbers for the rest (CEL `double`). Functions, symbols and undefined are dropped as
 * JSON drops them; dates become ISO strings; other objects contribute their own
 * enumerable keys. No JavaScript object, prototype or global is reachable from the copy.
 */
export function toCelInput(data: unknown, source: string): CelInput {
  let nodes = 0;
  let maxCollection = 0;
  let maxString = 0;
  const seen = new Set<object>();
  const tooLarge = (why: string): never => {
    throw new ExpressionEvaluationError(source, 'data_too_large', `${why}; evaluate a smaller payload or map the needed fields first (Mapper).`);
  };
  const convert = (value: unknown, depth: number): unknown => {
    if (++nodes > EXPRESSION_LIMITS.maxDataNodes) tooLarge(`the payload has more than ${EXPRESSION_LIMITS.maxDataNodes} values`);
    if (depth > EXPRESSION_LIMITS.maxDataDepth) tooLarge(`the payload is nested deeper than ${EXPRESSION_LIMITS.maxDataDepth} levels`);
    switch (typeof value) {
      case 'string':
        if (value.length > maxString) maxString = value.length;
        return value;
      case 'number':
        return Number.isSafeInteger(value) ? BigInt(value) : value;
      case 'boolean':
      case 'bigint':
        return value;
      case 'object':
        break;
      default:
        return undefined;
    }
    if (value === null) return null;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (seen.has(value)) tooLarge('the payload contains a cycle');
    seen.add(value);
    let out: unknown;
    if (Array.isArray(value)) {
      if (value.length > maxCollection) maxCollection = value.length;
      out = value.map((item) => {
        const v = convert(item, depth + 1);
        return v === undefined ? null : v;
      });
    } else {
      const map = Object.create(null) as Record<string, unknown>;
      const keys = Object.keys(value);
      if (keys.length > maxCollection) maxCollection = keys.length;
      for (const key of keys) {
        const v = convert((value as Record<string, unknown>)[key], depth + 1);
        if (v !== undefined) map[key] = v;
      }
      out = map;
    }
    seen.delete(value);
    return out;
  };
  const value = convert(data, 0);
  return { value: value === undefined ? null : value, maxCollection, maxString };
}
