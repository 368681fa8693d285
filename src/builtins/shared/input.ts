import { MISSING, getPath } from './paths.js';

const TEXT_KEYS = ['text', 'content', 'message', 'data'] as const;

/**
 * @internal The text a text routine works on: `data[key]` when a key is configured,
 * else the first string among `text`, `content`, `message`, `data`, else the first
 * string value, else the payload as JSON.
 */
export function pickText(data: Record<string, unknown>, key: string | undefined): string {
  if (key !== undefined) {
    const v = getPath(data, key);
    return v === MISSING || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  }
  for (const k of TEXT_KEYS) if (typeof data[k] === 'string') return data[k] as string;
  for (const v of Object.values(data)) if (typeof v === 'string') return v;
  return JSON.stringify(data);
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
