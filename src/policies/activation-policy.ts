import type { JsonValue } from '../config/json-value.js';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, SerializationError } from '../errors/routilux-error.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { assertNumber, describe } from '../utils/guards.js';

/**
 * The job as policies and logics see it. `JobState` (`state/job-state.ts`) completes this
 * interface by declaration merging, so callbacks get the JobState itself while this module
 * never imports it.
 */
export interface PolicyJobView {
  /** The job's id. */
  readonly jobId: string;
  /** Id of the flow the job runs. */
  readonly flowId: string;
}

/** The largest interval a timer can wait, ms (Node's timer limit). */
const MAX_INTERVAL = 2_147_483_647;

/** Payloads waiting in a logic routine's slots for one job: slot name → payloads, oldest first. */
export type SlotQueues = Readonly<Record<string, readonly Record<string, unknown>[]>>;

/** What one activation of a logic consumed: slot name → consumed payloads (every slot present, possibly empty). */
export type SlotData = Readonly<Record<string, readonly Record<string, unknown>[]>>;

/** Why a policy activated the logic, e.g. `{ reason: 'batch_ready', batchSize: 10 }`. */
export type PolicyMessage = Readonly<Record<string, JsonValue>>;

/**
 * A routine-level logic: runs once per activation decided by the routine's activation
 * policy. `this` is the routine; it may emit, send output, and be `async`.
 */
export type LogicFunction = (slotData: SlotData, policyMessage: PolicyMessage, jobState: PolicyJobView) => unknown;

/** The predicate of {@link customPolicy}: true activates the logic with everything queued. */
export type CustomPolicyCheck = (slots: SlotQueues, jobState: PolicyJobView) => boolean;

/** The kind of an {@link ActivationPolicy}. */
export type ActivationPolicyType = 'immediate' | 'batch_size' | 'all_slots_ready' | 'time_interval' | 'custom' | 'breakpoint';

/** The JSON form of a policy: `{ type, config }` (a custom policy names its registered check function). */
export interface ActivationPolicyDescriptor {
  readonly type: ActivationPolicyType;
  readonly config: Readonly<Record<string, JsonValue>>;
}

/** @internal what a policy sees when asked whether to activate. */
export interface PolicyInput {
  /** Live queues (read, never mutate): slot → waiting payloads, for every slot of the routine. */
  readonly queues: SlotQueues;
  readonly slotNames: readonly string[];
  readonly jobState: PolicyJobView;
  readonly routineId: string;
  /** Clock wall time, ms. */
  readonly now: number;
  /** Wall time of this routine's last activation in this job, if any. */
  readonly lastActivationAt: number | undefined;
}

/** @internal a policy's answer. `take` is how many payloads to consume from the front of each slot. */
export type PolicyDecision =
  | { readonly kind: 'wait'; readonly recheckAfter?: number }
  | { readonly kind: 'activate'; readonly take: 'all' | Readonly<Record<string, number>>; readonly message: PolicyMessage }
  | { readonly kind: 'capture' };

const WAIT: PolicyDecision = Object.freeze({ kind: 'wait' });
const CAPTURE: PolicyDecision = Object.freeze({ kind: 'capture' });

/**
 * Decides when a routine with a logic runs and what it consumes. Create policies with
 * the factory functions ({@link immediatePolicy}, {@link batchSizePolicy},
 * {@link allSlotsReadyPolicy}, {@link timeIntervalPolicy}, {@link customPolicy},
 * {@link breakpointPolicy}); set one with `routine.setActivationPolicy(p)` or per job with
 * `jobState.setRoutineActivationPolicy(routineId, p)`. Policies hold no per-job state, so
 * one policy object can serve many routines and jobs.
 *
 * @example
 * routine.setLogic((slotData) => { … }).setActivationPolicy(batchSizePolicy(10));
 */
export class ActivationPolicy {
  /** @internal use the factory functions. */
  constructor(
    /** The policy kind. */
    readonly type: ActivationPolicyType,
    /** Its parameters (JSON). */
    readonly config: Readonly<Record<string, JsonValue>>,
    /** A one-line human description. */
    readonly description: string,
    /** @internal */
    readonly decide: (input: PolicyInput) => PolicyDecision,
    /** @internal the custom check, kept for serialization. */
    readonly check?: CustomPolicyCheck,
  ) {
    Object.freeze(this);
  }

  /**
   * `{ type, config }`. A custom policy serializes only when its check function is
   * registered with `FunctionRegistry.register(name, fn)`; otherwise → `UNSERIALIZABLE_FUNCTION`.
   */
  toJSON(): ActivationPolicyDescriptor {
    if (this.type !== 'custom') return { type: this.type, config: { ...this.config } };
    const name = this.check === undefined ? undefined : FunctionRegistry.nameOf(this.check as never);
    if (name === undefined) {
      throw new SerializationError(
        ErrorCode.UNSERIALIZABLE_FUNCTION,
        'A customPolicy check function cannot be serialized; register it first with FunctionRegistry.register(name, check) so it is saved by name.',
      );
    }
    return { type: 'custom', config: { check: name } };
  }
}

function isEmpty(input: PolicyInput): boolean {
  for (const name of input.slotNames) if ((input.queues[name]?.length ?? 0) > 0) return false;
  return true;
}

function minLength(input: PolicyInput): number {
  let min = Infinity;
  for (const name of input.slotNames) min = Math.min(min, input.queues[name]?.length ?? 0);
  return input.slotNames.length === 0 ? 0 : min;
}

function takeEach(input: PolicyInput, n: number): Record<string, number> {
  const take: Record<string, number> = {};
  for (const name of input.slotNames) take[name] = n;
  return take;
}

/**
 * Activates as soon as one slot has data and consumes everything queued in every slot
 * (slots without data get an empty array). The default for a routine with a logic.
 * Message: `{ reason: 'immediate' }`.
 */
export function immediatePolicy(): ActivationPolicy {
  const message: PolicyMessage = Object.freeze({ reason: 'immediate' });
  return new ActivationPolicy('immediate', {}, 'Activate on any new data; consume everything queued.', (input) =>
    isEmpty(input) ? WAIT : { kind: 'activate', take: 'all', message },
  );
}

/**
 * Activates only when **every** slot has at least `n` payloads and consumes exactly `n`
 * from each (oldest first); activates again while that still holds. A partial batch
 * waits — and does not keep the job running (see docs/runtime.md).
 * Message: `{ reason: 'batch_ready', batchSize: n }`. `n` must be an integer ≥ 1.
 */
export function batchSizePolicy(n: number): ActivationPolicy {
  assertNumber(n, 'batchSizePolicy(n)', { min: 1, integer: true, max: 1_000_000_000 });
  const message: PolicyMessage = Object.freeze({ reason: 'batch_ready', batchSize: n });
  return new ActivationPolicy('batch_size', { batchSize: n }, `Activate when every slot has at least ${n} payloads; consume ${n} from each.`, (input) =>
    minLength(input) >= n ? { kind: 'activate', take: takeEach(input, n), message } : WAIT,
  );
}

/**
 * Activates when every slot has at least one payload and consumes exactly one from each
 * (a join). Message: `{ reason: 'all_slots_ready' }`.
 */
export function allSlotsReadyPolicy(): ActivationPolicy {
  const message: PolicyMessage = Object.freeze({ reason: 'all_slots_ready' });
  return new ActivationPolicy('all_slots_ready', {}, 'Activate when every slot has data; consume one payload from each.', (input) =>
    minLength(input) >= 1 ? { kind: 'activate', take: takeEach(input, 1), message } : WAIT,
  );
}

/**
 * A throttle: the first data activates at once; later data activates at most once per
 * `ms`, consuming everything queued by then. The last-activation time is kept per job and
 * per routine (in the JobState), and the wait uses the flow's Clock; while data waits for
 * the interval the job keeps running. Message: `{ reason: 'time_interval_met', interval,
 * lastActivation }` (`lastActivation`: previous activation's wall time, or null).
 */
export function timeIntervalPolicy(ms: number): ActivationPolicy {
  assertNumber(ms, 'timeIntervalPolicy(ms)', { min: 0, minExclusive: true, max: MAX_INTERVAL });
  return new ActivationPolicy('time_interval', { interval: ms }, `Activate at most once every ${ms} ms; consume everything queued.`, (input) => {
    if (isEmpty(input)) return WAIT;
    const last = input.lastActivationAt;
    if (last !== undefined) {
      const due = last + ms - input.now;
      if (due > 0) return { kind: 'wait', recheckAfter: due };
    }
    return { kind: 'activate', take: 'all', message: { reason: 'time_interval_met', interval: ms, lastActivation: last ?? null } };
  });
}

/**
 * Activates when `check(slots, jobState)` returns true, consuming everything queued.
 * `slots` is a read-only copy (slot → queued payloads). A check that throws fails the
 * evaluation through the routine's error strategy. Message: `{ reason: 'custom' }`.
 */
export function customPolicy(check: CustomPolicyCheck): ActivationPolicy {
  if (typeof check !== 'function') {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `customPolicy(check) needs a function (slots, jobState) => boolean; got ${describe(check)}.`);
  }
  const message: PolicyMessage = Object.freeze({ reason: 'custom' });
  return new ActivationPolicy(
    'custom',
    {},
    'Activate when a custom check returns true; consume everything queued.',
    (input) => {
      if (isEmpty(input)) return WAIT;
      const copy: Record<string, readonly Record<string, unknown>[]> = {};
      for (const name of input.slotNames) copy[name] = Object.freeze([...(input.queues[name] ?? [])]);
      const verdict = check(Object.freeze(copy), input.jobState);
      if (typeof verdict !== 'boolean') {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `customPolicy check must return a boolean; it returned ${describe(verdict)}.`);
      }
      return verdict ? { kind: 'activate', take: 'all', message } : WAIT;
    },
    check,
  );
}

/**
 * Never runs the logic: every payload that arrives is moved out of the slot queues into
 * `jobState.debugData[routineId]` (one entry per capture: slot → payloads), for
 * inspection. Use it per job (`jobState.setRoutineActivationPolicy`) to stub a routine out.
 */
export function breakpointPolicy(): ActivationPolicy {
  return new ActivationPolicy('breakpoint', {}, 'Never activate; capture arriving data into jobState.debugData.', (input) => (isEmpty(input) ? WAIT : CAPTURE));
}

/** True when `value` is an {@link ActivationPolicy}. */
export function isActivationPolicy(value: unknown): value is ActivationPolicy {
  return value instanceof ActivationPolicy;
}

/**
 * Rebuilds a policy from its `toJSON()` form. A custom policy's check is looked up in the
 * FunctionRegistry by name (unknown → `UNKNOWN_FUNCTION`); anything malformed → `INVALID_FORMAT`.
 */
export function activationPolicyFromJSON(data: unknown): ActivationPolicy {
  const bad = (why: string): never => {
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `Invalid activation policy: ${why}. Expected { type, config } as produced by policy.toJSON().`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) bad(`got ${describe(data)}`);
  const { type, config } = data as { type?: unknown; config?: unknown };
  const cfg = (typeof config === 'object' && config !== null && !Array.isArray(config) ? config : bad('config must be an object')) as Record<string, unknown>;
  switch (type) {
    case 'immediate':
      return immediatePolicy();
    case 'all_slots_ready':
      return allSlotsReadyPolicy();
    case 'breakpoint':
      return breakpointPolicy();
    case 'batch_size':
      return batchSizePolicy(typeof cfg['batchSize'] === 'number' ? cfg['batchSize'] : bad('batch_size needs config.batchSize'));
    case 'time_interval':
      return timeIntervalPolicy(typeof cfg['interval'] === 'number' ? cfg['interval'] : bad('time_interval needs config.interval'));
    case 'custom': {
      const name = typeof cfg['check'] === 'string' ? cfg['check'] : bad('custom needs config.check (a registered function name)');
      const fn = FunctionRegistry.get(name);
      if (fn === undefined) {
        throw new SerializationError(ErrorCode.UNKNOWN_FUNCTION, `customPolicy check "${name}" is not registered; call FunctionRegistry.register("${name}", check) before loading.`, {
          details: { name },
        });
      }
      return customPolicy(fn as unknown as CustomPolicyCheck);
    }
    default:
      return bad(`unknown type ${describe(type)}`);
  }
}
