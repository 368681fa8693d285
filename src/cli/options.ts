import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, InvalidArgumentError } from '../index.js';

const usage = (message: string): InvalidArgumentError => new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, message);

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A positive integer number of milliseconds. */
export function parseMs(value: string, option: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms <= 0) throw usage(`${option} must be a positive whole number of milliseconds; got "${value}".`);
  return ms;
}

/**
 * The entry params: `--params` (a JSON object, or `@file.json` to read one) with each
 * `-p key=value` (a string, split at the first `=`) merged over it.
 */
export function parseParams(json: string | undefined, pairs: readonly string[], cwd: string): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (json !== undefined) {
    let text = json;
    if (json.startsWith('@')) {
      try {
        text = readFileSync(resolve(cwd, json.slice(1)), 'utf8');
      } catch (cause) {
        throw usage(`--params ${json}: cannot read ${json.slice(1)} (${(cause as Error).message}).`);
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (cause) {
      throw usage(`--params must be a JSON object such as '{"n":3}' (or @file.json); ${(cause as Error).message}.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage(`--params must be a JSON object such as '{"n":3}'; got ${Array.isArray(value) ? 'an array' : String(value)}.`);
    params = value as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const cut = pair.indexOf('=');
    if (cut <= 0) throw usage(`-p needs key=value (e.g. -p name=Ada); got "${pair}".`);
    params = { ...params, [pair.slice(0, cut)]: pair.slice(cut + 1) };
  }
  return params;
}
