const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * JSON Pointer of the first `__proto__` / `constructor` / `prototype` key at any depth, or
 * undefined. Iterative, so hostile nesting cannot overflow the stack. @internal
 */
export function forbiddenKeyPath(root: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}/${i}` });
      continue;
    }
    const keys = Object.keys(value);
    for (const key of keys) if (FORBIDDEN.has(key)) return `${path}/${escape(key)}`;
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]!], path: `${path}/${escape(keys[i]!)}` });
  }
  return undefined;
}

/** Nesting depth of JSON data (`{ a: 1 }` has depth 1) and the pointer of the deepest point past `limit`, if any. @internal */
export function depthOver(root: unknown, limit: number): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    const d = depth + 1;
    if (d > limit) return path;
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: `${path}/${i}`, depth: d });
    else for (const key of Object.keys(value)) stack.push({ value: (value as Record<string, unknown>)[key], path: `${path}/${escape(key)}`, depth: d });
  }
  return undefined;
}
