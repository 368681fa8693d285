import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Routine, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { pickValue } from '../shared/input.js';

/** Configuration of {@link Debouncer}. */
export class DebouncerConfig {
  /** Quiet period in ms: a burst ends when no payload arrived for this long. @default 300 */
  @IsInt() @Min(1) @Max(2_147_483_647) wait?: number = 300;
  /** Emit `leading` with the first payload of a burst. @default false */
  @IsBoolean() leading?: boolean = false;
  /** Emit `debounced` with the last payload when the burst ends. @default true */
  @Check((v, o) => (typeof v !== 'boolean' ? 'must be a boolean' : !v && o['leading'] !== true ? 'and leading cannot both be false (nothing would be emitted)' : undefined))
  trailing?: boolean = true;
  /** Longest a burst may delay the trailing emit, in ms (≥ wait). */
  @IsOptional() @IsInt() @Min(1) @Max(2_147_483_647) @Check((v, o) => (typeof v === 'number' && v < Number(o['wait'] ?? 300) ? 'must be at least wait' : undefined))
  maxWait?: number;
}

/** The open burst of one job. */
interface Burst {
  startedAt: number;
  lastAt: number;
  last: unknown;
  count: number;
  /** Task id of the burst's timer delivery (ctx.schedule). */
  timer: string;
}

/** What a Debouncer keeps in its job (its routine state), so it survives pause → serialize → resume elsewhere. */
interface DebounceState {
  burst: Burst | null;
  /** Leading-only mode: clock time until which the quiet period lasts (null: not started). */
  quietUntil: number | null;
}

/** The routine-state key. */
const STATE = 'debounce';

/** Payload of Debouncer's `leading` event. */
export interface DebouncerLeading {
  /** The first input value of the burst, unchanged. */
  data: unknown;
}

/** Payload of Debouncer's `debounced` event. */
export interface DebouncerDebounced {
  /** The last input value of the burst, unchanged. */
  data: unknown;
  /** Payloads received in the burst (≥ 1; ≥ 2 when `leading` is on too). */
  count: number;
}

/**
 * Collapses bursts of payloads: `debounced` carries the last payload once no new one
 * arrived for `wait` ms (trailing edge; `maxWait` caps the delay), `leading` the first
 * one of a burst. Timers run on the flow's clock; the activation that opened a burst
 * waits for its end, which keeps the job running until the trailing emit (see
 * docs/builtins.md, "Timers"). Bursts are per job.
 *
 * Slot `input` → `leading({ data })` ({@link DebouncerLeading}), `debounced({ data, count })`
 * ({@link DebouncerDebounced}; `count`: payloads in the burst); `data` is an input value, unchanged.
 * With leading and trailing both on, `debounced` is emitted only for bursts of two or more.
 *
 * @example
 * new Debouncer({ wait: 500, maxWait: 2000 })
 */
@Routine({ name: 'routilux.Debouncer', config: DebouncerConfig })
export class Debouncer extends ConfigurableRoutine {
  constructor(options?: DebouncerConfig) {
    super();
    this.defineEvent('leading', ['data']);
    this.defineEvent('debounced', ['data', 'count']);
    this.defineSlot('input', (data: Record<string, unknown>, ctx: ExecutionContext) => this.receive(data, ctx));
    // the burst's own timer (ctx.schedule): a pending delivery of the job, kept across a pause
    this.defineSlot('quiet', (_data: Record<string, unknown>, ctx: ExecutionContext) => this.onTimer(ctx), { internal: true });
    this.configure(options);
  }

  private receive(payload: Record<string, unknown>, ctx: ExecutionContext): void {
    const data = pickValue(payload, undefined);
    const state = stateOf(ctx);
    const now = ctx.flow.clock.now();
    const waitMs = this.getConfig<number>('wait', 300);
    const leading = this.getConfig<boolean>('leading', false);
    const trailing = this.getConfig<boolean>('trailing', true);
    if (!trailing) {
      // leading only: no timer needed, the quiet period is checked on arrival
      if (state.quietUntil === null || now >= state.quietUntil) this.emit('leading', { data } satisfies DebouncerLeading);
      state.quietUntil = now + waitMs;
      save(ctx, state);
      return;
    }
    const burst = state.burst;
    if (burst !== null) {
      burst.last = data;
      burst.count++;
      burst.lastAt = now; // the burst's timer, when it fires, waits again for the rest of the quiet period
      save(ctx, state);
      return;
    }
    state.burst = { startedAt: now, lastAt: now, last: data, count: 1, timer: ctx.schedule('quiet', {}, this.delayOf(now, now, now)) };
    save(ctx, state);
    if (leading) this.emit('leading', { data } satisfies DebouncerLeading);
  }

  /** Ms from `now` until a burst that started at `startedAt` and last grew at `lastAt` ends. */
  private delayOf(startedAt: number, lastAt: number, now: number): number {
    let delay = lastAt + this.getConfig<number>('wait', 300) - now;
    const maxWait = this.getConfig<number | undefined>('maxWait');
    if (maxWait !== undefined) delay = Math.min(delay, startedAt + maxWait - now);
    return delay;
  }

  private onTimer(ctx: ExecutionContext): void {
    const state = stateOf(ctx);
    const burst = state.burst;
    if (burst === null || burst.timer !== ctx.taskId) return;
    const now = ctx.flow.clock.now();
    const delay = this.delayOf(burst.startedAt, burst.lastAt, now);
    if (delay > 0) {
      burst.timer = ctx.schedule('quiet', {}, delay); // more payloads came: wait out the rest
      save(ctx, state);
      return;
    }
    state.burst = null;
    save(ctx, state);
    if (!this.getConfig<boolean>('leading', false) || burst.count > 1) this.emit('debounced', { data: burst.last, count: burst.count } satisfies DebouncerDebounced);
  }
}

function stateOf(ctx: ExecutionContext): DebounceState {
  const held = ctx.jobState.getRoutineState(ctx.routineId)?.[STATE] as DebounceState | undefined;
  return held === undefined ? { burst: null, quietUntil: null } : { burst: held.burst === null ? null : { ...held.burst }, quietUntil: held.quietUntil };
}

function save(ctx: ExecutionContext, state: DebounceState): void {
  ctx.jobState.updateRoutineState(ctx.routineId, { [STATE]: state });
}
