import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { describe } from '../utils/guards.js';

/** A custom merge: `(buffer, incoming) => merged`; the result becomes the slot's buffer for this job. */
export type MergeFunction = (buffer: Record<string, unknown>, incoming: Record<string, unknown>) => Record<string, unknown>;

/**
 * How a slot combines each new payload with what it received before in the same job.
 * - `'override'` (default): the new payload replaces the buffer.
 * - `'append'`: every key accumulates an array of the values seen so far.
 * - a {@link MergeFunction}.
 */
export type MergeStrategy = 'override' | 'append' | MergeFunction;

/** @internal validates a merge strategy option. */
export function assertMergeStrategy(value: unknown, where: string): asserts value is MergeStrategy {
  if (value === 'override' || value === 'append' || typeof value === 'function') return;
  if (typeof value === 'string' && FunctionRegistry.get(value) !== undefined) return;
  throw new InvalidArgumentError(
    ErrorCode.INVALID_ARGUMENT,
    `${where}: merge must be 'override', 'append', a function (buffer, incoming) => merged, or the name of a function registered with FunctionRegistry; got ${describe(value)}.`,
    { details: { where } },
  );
}

/** @internal a registered function name is resolved once, when the slot is defined. */
export function normalizeMerge(value: MergeStrategy | string | undefined): MergeStrategy {
  if (value === undefined) return 'override';
  if (value === 'override' || value === 'append' || typeof value === 'function') return value;
  return FunctionRegistry.get(value) as MergeFunction;
}

/**
 * @internal applies the append strategy in place on `buffer` and returns a snapshot for
 * the handler (a new object with copied arrays), so later messages never change what a
 * handler already received.
 */
export function appendInto(buffer: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(incoming)) {
    const prev = Object.prototype.hasOwnProperty.call(buffer, key) ? buffer[key] : undefined;
    let list: unknown[];
    if (prev === undefined && !Object.prototype.hasOwnProperty.call(buffer, key)) {
      list = [];
      Object.defineProperty(buffer, key, { value: list, enumerable: true, writable: true, configurable: true });
    } else if (Array.isArray(prev)) {
      list = prev;
    } else {
      list = [prev];
      Object.defineProperty(buffer, key, { value: list, enumerable: true, writable: true, configurable: true });
    }
    list.push(incoming[key]);
  }
  const snapshot: Record<string, unknown> = {};
  for (const key of Object.keys(buffer)) {
    Object.defineProperty(snapshot, key, { value: (buffer[key] as unknown[]).slice(), enumerable: true, writable: true, configurable: true });
  }
  return snapshot;
}
