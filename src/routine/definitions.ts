import type { MergeStrategy } from '../graph/merge-strategy.js';
import type { ExecutionContext } from './execution-context.js';

/** A slot handler: receives the (merged) payload and the activation's context. May be async. */
export type SlotHandler<T = Record<string, unknown>> = (data: T, ctx: ExecutionContext) => unknown;

/** Options of `defineSlot` / `@Slot`. */
export interface SlotOptions {
  /** Merge strategy of this slot, per job. @default 'override' */
  merge?: MergeStrategy | string;
  /** Bound of this slot's per-job queue for activation-policy routines. @default 1000 */
  maxQueueLength?: number;
  /**
   * Activation timeout (start-to-close) in ms: an activation still running this long after
   * it started fails with `ACTIVATION_TIMEOUT` through the error strategy. Wins over the
   * routine's default (`@Routine({ timeout })`, `setActivationTimeout`). @default none
   */
  timeout?: number;
  /**
   * A slot only the routine itself feeds, through `ctx.schedule` (a timer of its own): no
   * connection may target it, and `flow.validate()` does not report it unconnected.
   * @default false
   */
  internal?: boolean;
}

/** @internal the keys of {@link SlotOptions} (options objects are closed). */
export const SLOT_OPTION_KEYS: readonly string[] = ['merge', 'maxQueueLength', 'timeout', 'internal'];

/**
 * An input slot of a routine. `T` is the payload type its handler takes (type-only; the
 * typed wiring of `flow.wire` reads it from `readonly input = this.defineSlot<T>(…)`).
 */
export interface SlotDefinition<T = Record<string, unknown>> {
  readonly name: string;
  /** Type-only brand carrying the payload type; never set at run time. */
  readonly __payload?: T;
  /** The handler; undefined for slots consumed by a routine-level logic. */
  readonly handler: SlotHandler<never> | undefined;
  readonly merge: MergeStrategy;
  readonly maxQueueLength: number;
  /** This slot's own activation timeout in ms, if it has one. */
  readonly timeout: number | undefined;
  /** True for a slot only the routine itself feeds (`ctx.schedule`); connections cannot target it. */
  readonly internal: boolean;
}

/**
 * An output event of a routine. `T` is the payload type it carries (type-only; the typed
 * wiring of `flow.wire` reads it from `readonly output = this.defineEvent<T>(…)`).
 */
export interface EventDefinition<T extends object = Record<string, unknown>> {
  readonly name: string;
  /** Type-only brand carrying the payload type; never set at run time. */
  readonly __payload?: T;
  /** Documented payload keys (not enforced). */
  readonly params: readonly string[];
}

/** Default bound of a slot queue. */
export const DEFAULT_MAX_QUEUE_LENGTH = 1000;
