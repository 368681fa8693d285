import { checkOptions } from '../utils/closed-options.js';
import { assertNumber } from '../utils/guards.js';

/**
 * Limits that protect a job (`new Flow({ limits })`, `new Runtime({ limits })`). For a
 * Runtime's jobs each limit the Runtime sets replaces the flow's. See docs/concepts.md.
 */
export interface Limits {
  /** Largest payload, as UTF-8 bytes of its JSON text. @default 1048576 */
  maxPayloadBytes?: number;
  /** Deepest object/array nesting of a payload (`{ a: 1 }` has depth 1). @default 64 */
  maxPayloadDepth?: number;
  /** Activations a job may start, retries included. @default 1000000 */
  maxActivationsPerJob?: number;
}

/** Every limit, resolved. */
export type ResolvedLimits = Readonly<Required<Limits>>;

/** The limits a flow has when it sets none. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxPayloadBytes: 1_048_576,
  maxPayloadDepth: 64,
  maxActivationsPerJob: 1_000_000,
});

const KEYS = ['maxPayloadBytes', 'maxPayloadDepth', 'maxActivationsPerJob'] as const;

/**
 * The deepest payload nesting a limit may allow: the library never recurses deeper than
 * this into data (JSON.stringify, copies), so no limit can turn into a RangeError.
 */
export const MAX_PAYLOAD_DEPTH_LIMIT = 1000;

/** @internal checks a `limits` option: a closed object of integers ≥ 1 → INVALID_ARGUMENT otherwise. */
export function assertLimits(value: unknown, where: string): asserts value is Limits | undefined {
  checkOptions(value, KEYS, `${where} limits`);
  if (value === undefined) return;
  const limits = value as Limits;
  if (limits.maxPayloadBytes !== undefined) assertNumber(limits.maxPayloadBytes, `${where} limits.maxPayloadBytes`, { min: 1, integer: true, max: Number.MAX_SAFE_INTEGER });
  if (limits.maxPayloadDepth !== undefined) assertNumber(limits.maxPayloadDepth, `${where} limits.maxPayloadDepth`, { min: 1, integer: true, max: MAX_PAYLOAD_DEPTH_LIMIT });
  if (limits.maxActivationsPerJob !== undefined) assertNumber(limits.maxActivationsPerJob, `${where} limits.maxActivationsPerJob`, { min: 1, integer: true, max: Number.MAX_SAFE_INTEGER });
}

/**
 * @internal The limits of a job: the defaults, replaced by each limit the flow sets, then
 * by each limit the Runtime sets. Both arguments are validated.
 */
export function resolveLimits(flowLimits?: Limits, runtimeLimits?: Limits): ResolvedLimits {
  assertLimits(flowLimits, 'Flow');
  assertLimits(runtimeLimits, 'Runtime');
  if (flowLimits === undefined && runtimeLimits === undefined) return DEFAULT_LIMITS;
  const out: Record<(typeof KEYS)[number], number> = { ...DEFAULT_LIMITS };
  for (const key of KEYS) {
    const v = runtimeLimits?.[key] ?? flowLimits?.[key];
    if (v !== undefined) out[key] = v;
  }
  return Object.freeze(out);
}
