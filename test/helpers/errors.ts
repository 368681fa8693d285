import { expect } from 'vitest';
import { isRoutiluxError } from '../../src/index.js';

/** How the helpers below report a thrown value that is not a routilux error. */
export const NOT_A_ROUTILUX_ERROR = 'not a RoutiluxError';

function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The code of a caught value: a RoutiluxError → its code; `undefined` (nothing was caught) →
 * `undefined`; anything else → `'not a RoutiluxError: …'`.
 */
export function codeOfError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return isRoutiluxError(error) ? error.code : `${NOT_A_ROUTILUX_ERROR}: ${describeThrown(error)}`;
}

/**
 * Runs `fn`: a thrown RoutiluxError → its code; any other throw → `'not a RoutiluxError: …'`;
 * no throw → `undefined`.
 */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isRoutiluxError(error) ? error.code : `${NOT_A_ROUTILUX_ERROR}: ${describeThrown(error)}`;
  }
  return undefined;
}

/**
 * Awaits a promise (or calls `fn` and awaits its result, so a synchronous throw counts too):
 * a RoutiluxError rejection → its code; any other rejection → `'not a RoutiluxError: …'`;
 * fulfilment → `undefined`.
 */
export async function codeOfAsync(promiseOrFn: PromiseLike<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    return isRoutiluxError(error) ? error.code : `${NOT_A_ROUTILUX_ERROR}: ${describeThrown(error)}`;
  }
  return undefined;
}

/** Expects `fn` to throw a routilux error with `code`. */
export function expectCode(fn: () => unknown, code: string): void {
  expect(codeOf(fn), `expected a RoutiluxError with code ${code}`).toBe(code);
}

/** Expects `promiseOrFn` to reject (or `fn` to throw) with a routilux error with `code`. */
export async function expectRejectCode(promiseOrFn: PromiseLike<unknown> | (() => unknown), code: string): Promise<void> {
  expect(await codeOfAsync(promiseOrFn), `expected a rejection with a RoutiluxError with code ${code}`).toBe(code);
}
