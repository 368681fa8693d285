import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { FORBIDDEN_KEYS } from '../utils/guards.js';
import { documentError, escapeToken, invalidDocument, tokensOf, type DocumentIssue } from '../documents/document-issues.js';

const MAX_DEPTH = 256;
const MAX_LISTED = 100;

/**
 * @internal Checks that a parsed document holds no key that could reach a prototype
 * (`__proto__`, `constructor`, `prototype`) at any depth; every such key is listed in
 * `details.issues` with its JSON Pointer. Iterative, so hostile nesting cannot overflow
 * the stack.
 */
export function assertNoForbiddenKeys(root: unknown, what: string): void {
  const issues: DocumentIssue[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0 && issues.length < MAX_LISTED) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) {
      throw invalidDocument(what, [{ path, message: `nested deeper than ${MAX_DEPTH} levels; flatten the data` }]);
    }
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childPath = `${path}/${escapeToken(key)}`;
      if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) {
        issues.push({ path: childPath, message: `the key "${key}" is not allowed (it could alter object prototypes); rename it` });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  if (issues.length > 0) {
    issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    throw documentError(ErrorCode.FORBIDDEN_KEY, what, issues, { key: tokensOf(issues[0]!.path).at(-1) });
  }
}

/**
 * @internal Checks that `value` survives JSON.stringify → JSON.parse without silent loss:
 * plain objects, arrays, strings, finite numbers, booleans, null, and Dates (which become
 * ISO strings). Anything else (functions, class instances, NaN, Infinity, bigint, symbols,
 * cycles) is a typed error naming its path.
 */
export function assertJsonSafe(root: unknown, what: string): void {
  const onPath = new Set<object>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(path, `the number ${String(value)}`);
      return;
    }
    if (typeof value !== 'object') {
      fail(path, typeof value === 'function' ? 'a function' : `a ${typeof value}`);
      return;
    }
    if (value instanceof Date) return;
    if (depth > MAX_DEPTH) fail(path, `nesting deeper than ${MAX_DEPTH} levels`);
    if (onPath.has(value)) fail(path, 'a cycle');
    const proto = Object.getPrototypeOf(value) as unknown;
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) fail(path, `an instance of ${(value as object).constructor?.name ?? 'a class'}`);
    onPath.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${path}/${i}`, depth + 1);
    } else {
      for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], `${path}/${escapeToken(key)}`, depth + 1);
    }
    onPath.delete(value);
  };
  const fail = (path: string, found: string): never => {
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `${what} cannot be serialized: ${path === '' ? 'the root' : path} holds ${found}. Keep job data JSON-safe (plain objects, arrays, strings, finite numbers, booleans, null, Dates).`, {
      details: { path, issues: [{ path, message: `holds ${found}` }] },
    });
  };
  visit(root, '', 0);
}

/** @internal parses JSON text into a value, as a typed error on bad input. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `${what} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}); the file may be truncated or not a routilux document.`, {
      cause,
    });
  }
}

