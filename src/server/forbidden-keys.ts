const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** One node of a walk: its value, and how it was reached (the path is built only when it is needed). */
interface Step {
  readonly value: unknown;
  readonly parent: Step | undefined;
  readonly key: string;
  readonly depth: number;
}

/** JSON Pointer of a step, from the root down. */
function pointer(step: Step): string {
  const keys: string[] = [];
  for (let s: Step | undefined = step; s !== undefined && s.parent !== undefined; s = s.parent) keys.push(escape(s.key));
  return keys.length === 0 ? '' : `/${keys.reverse().join('/')}`;
}

/**
 * JSON Pointer of the first `__proto__` / `constructor` / `prototype` key at any depth, or
 * undefined. Iterative, so hostile nesting cannot overflow the stack. @internal
 */
export function forbiddenKeyPath(root: unknown): string | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  const stack: Step[] = [{ value: root, parent: undefined, key: '', depth: 0 }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const value = step.value;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, parent: step, key: String(i), depth: 0 });
      }
      continue;
    }
    const keys = Object.keys(value as object);
    for (const key of keys) if (FORBIDDEN.has(key)) return pointer({ value: undefined, parent: step, key, depth: 0 });
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = (value as Record<string, unknown>)[keys[i]!];
      if (child !== null && typeof child === 'object') stack.push({ value: child, parent: step, key: keys[i]!, depth: 0 });
    }
  }
  return undefined;
}

/** Nesting depth of JSON data (`{ a: 1 }` has depth 1) and the pointer of the deepest point past `limit`, if any. @internal */
export function depthOver(root: unknown, limit: number): string | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  const stack: Step[] = [{ value: root, parent: undefined, key: '', depth: 1 }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.depth > limit) return pointer(step);
    const value = step.value;
    const d = step.depth + 1;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, parent: step, key: String(i), depth: d });
      }
    } else {
      for (const key of Object.keys(value as object)) {
        const child = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push({ value: child, parent: step, key, depth: d });
      }
    }
  }
  return undefined;
}
