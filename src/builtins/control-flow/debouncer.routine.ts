import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Routine, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { JobScoped } from '../shared/job-scoped.js';
import { waitInJob, type JobWait } from '../shared/job-timer.js';
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

interface Burst {
  startedAt: number;
  lastAt: number;
  last: unknown;
  count: number;
  wait: JobWait | undefined;
}

const bursts = new JobScoped<{ burst: Burst | undefined; quietUntil: number }>();

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
    this.configure(options);
  }

  private receive(payload: Record<string, unknown>, ctx: ExecutionContext): void {
    const data = pickValue(payload, undefined);
    const state = bursts.get(ctx, () => ({ burst: undefined, quietUntil: -Infinity }));
    const now = ctx.flow.clock.now();
    const waitMs = this.getConfig<number>('wait', 300);
    const leading = this.getConfig<boolean>('leading', false);
    const trailing = this.getConfig<boolean>('trailing', true);
    if (!trailing) {
      // leading only: no timer needed, the quiet period is checked on arrival
      if (now >= state.quietUntil) this.emit('leading', { data } satisfies DebouncerLeading);
      state.quietUntil = now + waitMs;
      return;
    }
    const burst = state.burst;
    if (burst !== undefined) {
      burst.last = data;
      burst.count++;
      burst.lastAt = now;
      burst.wait?.release(); // the burst's timer loop re-arms its timer
      return;
    }
    const opened: Burst = { startedAt: now, lastAt: now, last: data, count: 1, wait: undefined };
    state.burst = opened;
    if (leading) this.emit('leading', { data } satisfies DebouncerLeading);
    ctx.waitUntil(this.holdBurst(state, opened, ctx)); // keeps the job alive, not a worker
  }

  private async holdBurst(state: { burst: Burst | undefined }, burst: Burst, ctx: ExecutionContext): Promise<void> {
    const waitMs = this.getConfig<number>('wait', 300);
    const maxWait = this.getConfig<number | undefined>('maxWait');
    for (;;) {
      const now = ctx.flow.clock.now();
      let delay = burst.lastAt + waitMs - now;
      if (maxWait !== undefined) delay = Math.min(delay, burst.startedAt + maxWait - now);
      if (delay <= 0) break;
      burst.wait = waitInJob(ctx, delay);
      const outcome = await burst.wait.promise;
      burst.wait = undefined;
      if (outcome === 'aborted') return;
    }
    state.burst = undefined;
    if (!this.getConfig<boolean>('leading', false) || burst.count > 1) this.emit('debounced', { data: burst.last, count: burst.count } satisfies DebouncerDebounced);
  }
}
