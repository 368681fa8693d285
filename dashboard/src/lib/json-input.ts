/** The outcome of checking the entry-params text of the start-a-job form. */
export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function forbiddenKey(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (FORBIDDEN.has(key)) return at;
    const inner = forbiddenKey((value as Record<string, unknown>)[key], at);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * Parses the entry params: empty text is `{}`; otherwise it must be a JSON object with no
 * `__proto__` / `constructor` / `prototype` key (the server refuses those). The message says
 * what to fix, with the line and column of a syntax error when the browser gives a position.
 */
export function parseEntryParams(text: string): JsonObjectResult {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    if (pos !== null) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return { ok: false, message: `Not valid JSON at line ${line}, column ${column}: ${msg}` };
    }
    return { ok: false, message: `Not valid JSON: ${msg}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: `Entry params must be a JSON object like {"text": "hello"}; got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.` };
  }
  const bad = forbiddenKey(value, '');
  if (bad !== undefined) return { ok: false, message: `The key at ${bad} is not allowed (__proto__, constructor and prototype are refused).` };
  return { ok: true, value: value as Record<string, unknown> };
}
