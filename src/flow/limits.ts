import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { describe } from '../utils/guards.js';

/** Limits that protect a job (`new Flow({ limits })`, `new Runtime({ limits })`). */
export interface Limits {
  /** Largest payload, as the UTF-8 byte length of its JSON text. @default 1048576 */
  maxPayloadBytes?: number;
  /** Deepest object/array nesting of a payload (`{ a: 1 }` has depth 1). @default 64 */
  maxPayloadDepth?: number;
  /** Most activations one job may start, retries included; past it the job fails with `STEP_LIMIT_EXCEEDED`. @default 1000000 */
  maxActivationsPerJob?: number;
}

/** Every limit with its value in force. */
export type ResolvedLimits = Readonly<Required<Limits>>;

/** The limits in force when none are given. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({ maxPayloadBytes: 1_048_576, maxPayloadDepth: 64, maxActivationsPerJob: 1_000_000 });

const KEYS: readonly (keyof Limits)[] = ['maxPayloadBytes', 'maxPayloadDepth', 'maxActivationsPerJob'];

/**
 * @internal Checks a `limits` option (`where` names it in messages) and returns only the
 * limits it sets. Unknown keys and values that are not integers >= 1 are
 * `INVALID_ARGUMENT`; a key whose value is `undefined` counts as absent.
 */
export function checkLimits(given: unknown, where: string): Limits {
  if (given === undefined) return {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} limits must be an object such as { maxActivationsPerJob: 10000 }; got ${describe(given)}.`);
  }
  const out: Limits = {};
  for (const [key, value] of Object.entries(given)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Unknown ${where} limit "${key}"; known limits: ${KEYS.join(', ')}.`, { details: { option: key } });
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} limits.${key} must be an integer >= 1; got ${describe(value)}.`, { details: { option: key } });
    }
    out[key as keyof Limits] = value;
  }
  return out;
}

/**
 * @internal The limits in force: `given` (checked, see {@link checkLimits}) over `base`
 * (default {@link DEFAULT_LIMITS}); each limit `given` sets replaces the one of `base`.
 */
export function resolveLimits(given: unknown, where: string, base: ResolvedLimits = DEFAULT_LIMITS): ResolvedLimits {
  return Object.freeze({ ...base, ...checkLimits(given, where) });
}
