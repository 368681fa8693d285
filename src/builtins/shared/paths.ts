import { ErrorCode, InvalidArgumentError } from '../../index.js';

const FORBIDDEN: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** One step of a parsed path: an object key or a list index (`'*'` = every element). @internal */
export type PathStep = string | number | '*';

/**
 * @internal Parses `a.b[0].c`, `$.a.b[*]`, `items.0.name` or `a["odd key"]` into steps.
 * Keys that reach prototypes are rejected.
 */
export function parsePath(path: string): PathStep[] {
  if (typeof path !== 'string') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `A path must be a string like "a.b[0].c"; got ${typeof path}.`);
  let rest = path.trim();
  if (rest === '$') return [];
  if (rest.startsWith('$.')) rest = rest.slice(2);
  else if (rest.startsWith('$[')) rest = rest.slice(1);
  const steps: PathStep[] = [];
  const re = /\[(\d+|\*)\]|\[(?:"([^"]*)"|'([^']*)')\]|([^.[\]]+)|\./gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (m = re.exec(rest)) !== null) {
    if (m[0] === '.') continue;
    if (m[1] !== undefined) steps.push(m[1] === '*' ? '*' : Number(m[1]));
    else {
      const key = m[2] ?? m[3] ?? m[4]!;
      steps.push(key === '*' ? '*' : /^\d+$/.test(key) ? key : key);
    }
  }
  if (re.lastIndex < rest.length || steps.length === 0) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Cannot parse the path "${path}"; use dot and bracket notation such as "order.items[0].name" or "$.items[*].id".`, { details: { path } });
  }
  for (const s of steps) {
    if (typeof s === 'string' && FORBIDDEN.has(s)) {
      throw new InvalidArgumentError(ErrorCode.FORBIDDEN_KEY, `The path "${path}" uses the forbidden key "${s}".`, { details: { path, key: s } });
    }
  }
  return steps;
}

/** Marker for "the path does not exist". @internal */
export const MISSING: unique symbol = Symbol('routilux.missing');

/** @internal reads a parsed path; a wildcard collects every element. Own properties only. */
export function readPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown = value;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step === '*') {
      if (!Array.isArray(current)) return MISSING;
      const rest = steps.slice(i + 1);
      return current.map((item) => readPath(item, rest)).filter((v) => v !== MISSING);
    }
    if (current === null || typeof current !== 'object') return MISSING;
    if (Array.isArray(current)) {
      const index = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : NaN;
      if (!(index >= 0 && index < current.length)) return MISSING;
      current = current[index];
    } else {
      const key = String(step);
      if (!Object.prototype.hasOwnProperty.call(current, key)) return MISSING;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}

/** @internal `readPath` on a path string. */
export function getPath(value: unknown, path: string): unknown {
  return readPath(value, parsePath(path));
}

/** @internal writes `v` at a dotted target path, creating plain objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, v: unknown): void {
  const steps = parsePath(path).map(String);
  let obj = target;
  for (let i = 0; i < steps.length - 1; i++) {
    const key = steps[i]!;
    const next = obj[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) obj[key] = {};
    obj = obj[key] as Record<string, unknown>;
  }
  obj[steps[steps.length - 1]!] = v;
}
