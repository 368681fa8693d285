import { MISSING, getPath } from './paths.js';

const TEXT_KEYS = ['text', 'content', 'message'] as const;

/**
 * @internal The text a text routine works on: the value at `key` when a key is configured;
 * else the first string among `text`, `content`, `message`; else the envelope's `data`
 * (a string, or an object searched the same way once more); else the first string value;
 * else the payload as JSON.
 */
export function pickText(data: Record<string, unknown>, key: string | undefined): string {
  if (key !== undefined) {
    const v = getPath(data, key);
    return v === MISSING || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  }
  return textOf(data, 2);
}

function textOf(value: unknown, depth: number): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value) ?? String(value);
  const obj = value as Record<string, unknown>;
  for (const k of TEXT_KEYS) if (typeof obj[k] === 'string') return obj[k] as string;
  if (depth > 0 && Object.prototype.hasOwnProperty.call(obj, 'data')) return textOf(obj['data'], depth - 1);
  for (const v of Object.values(obj)) if (typeof v === 'string') return v;
  return JSON.stringify(obj);
}

/**
 * @internal The value a data routine works on: the value at `key` when configured
 * (undefined when missing), else `data.data` when present, else the whole payload.
 */
export function pickValue(data: Record<string, unknown>, key: string | undefined): unknown {
  if (key !== undefined) {
    const v = getPath(data, key);
    return v === MISSING ? undefined : v;
  }
  return Object.prototype.hasOwnProperty.call(data, 'data') ? data['data'] : data;
}
