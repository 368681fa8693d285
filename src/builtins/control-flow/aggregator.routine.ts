import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Routine, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { pickValue } from '../shared/input.js';

const SLOT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

function sourcesProblem(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || !SLOT_NAME.test(s) || ['__proto__', 'constructor', 'prototype'].includes(s))) return 'must be an array of slot names such as ["a", "b"]';
  if (v.includes(TIMER_SLOT)) return `must not use the name "${TIMER_SLOT}" (the Aggregator's own timer slot)`;
  return new Set(v).size === v.length ? undefined : 'must not repeat a slot name';
}

/** Configuration of {@link Aggregator}. */
export class AggregatorConfig {
  /** Input slot names (one slot each). Slots are created when configured. @default [] */
  @Check(sourcesProblem) sources?: string[] = [];
  /** Fire when `'all'` sources, `'any'` source, or `'count'` (n-of-m: `count` sources) have data. @default 'all' */
  @IsIn(['all', 'any', 'count']) mode?: 'all' | 'any' | 'count' = 'all';
  /** For `mode: 'count'`: how many sources must have data. @default 1 */
  @IsInt() @Min(1) @Max(10_000) count?: number = 1;
  /** Keep the `'latest'` payload per source, or `'all'` payloads (a list). @default 'latest' */
  @IsIn(['latest', 'all']) collect?: 'latest' | 'all' = 'latest';
  /** Ms after the first payload of a round to give up and emit `timeout` with the partial result; 0 = wait forever. @default 0 */
  @IsInt() @Min(0) @Max(2_147_483_647) timeout?: number = 0;
}

/** The open round of one job, kept in the job (its routine state), so it survives pause → serialize → resume elsewhere. */
interface Round {
  /** Source slot → values received, in the order the sources first arrived. */
  received: [string, unknown[]][];
  /** Task id of the round's timeout delivery (ctx.schedule), while one is due. */
  timer: string | null;
}

/** The routine-state key of the open round. */
const STATE = 'round';

/** The internal slot the round's timer delivers to (no source may take this name). */
const TIMER_SLOT = 'routilux:timeout';


/** Payload of Aggregator's `aggregated` event. */
export interface AggregatorAggregated {
  /** Source → its latest input value (`collect: 'all'`: every value of the round, in arrival order). Only sources that delivered are keys. */
  data: Record<string, unknown>;
  /** Sources that delivered, in order of their first payload. */
  sources: string[];
}

/** Payload of Aggregator's `timeout` event (a round that did not complete in `timeout` ms). */
export interface AggregatorTimeout {
  /** The partial result, shaped as in `aggregated`. */
  data: Record<string, unknown>;
  /** Sources that delivered. */
  sources: string[];
  /** Configured sources that did not, in configuration order (≥ 1). */
  missing: string[];
}

/**
 * Joins payloads arriving on several slots into one: when all sources have data
 * (`all`), any has (`any`), or `count` of them have (n-of-m). With a `timeout`, a round
 * that is not complete in time is emitted as a partial result.
 *
 * Slots: one per `sources` entry → `aggregated({ data, sources })` ({@link AggregatorAggregated})
 * where `data` maps each source to its latest input value (or the list, with `collect: 'all'`);
 * `timeout({ data, sources, missing })` ({@link AggregatorTimeout}) when the timeout ends a round.
 *
 * Rounds are per job. With a timeout, the activation that opened a round waits for it
 * (keeping the job running until the round completes or times out); see docs/builtins.md.
 *
 * @example
 * new Aggregator({ sources: ['summary', 'entities'], timeout: 5000 })
 */
@Routine({ name: 'routilux.Aggregator', config: AggregatorConfig })
export class Aggregator extends ConfigurableRoutine {
  constructor(options?: AggregatorConfig) {
    super();
    this.defineEvent('aggregated', ['data', 'sources']);
    this.defineEvent('timeout', ['data', 'sources', 'missing']);
    // the round's own timer (ctx.schedule): a pending delivery of the job, kept across a pause
    this.defineSlot(TIMER_SLOT, (_data: Record<string, unknown>, ctx: ExecutionContext) => this.onTimer(ctx), { internal: true });
    this.configure(options);
  }

  protected override afterConfig(): void {
    for (const source of this.getConfig<string[]>('sources', [])) {
      if (!this.slots.has(source)) this.defineSlot(source, (data: Record<string, unknown>, ctx: ExecutionContext) => this.receive(source, data, ctx));
    }
  }

  private receive(source: string, payload: Record<string, unknown>, ctx: ExecutionContext): void {
    const data = pickValue(payload, undefined);
    const round = roundOf(ctx) ?? { received: [], timer: null };
    const entry = round.received.find(([s]) => s === source);
    if (entry === undefined) round.received.push([source, [data]]);
    else entry[1].push(data);
    if (this.isReady(round)) {
      if (round.timer !== null) ctx.cancelScheduled(round.timer);
      save(ctx, null);
      this.emit('aggregated', { data: this.collect(round), sources: round.received.map(([s]) => s) } satisfies AggregatorAggregated);
      return;
    }
    const timeout = this.getConfig<number>('timeout', 0);
    // The job stays alive until the round completes or times out, without holding a worker.
    if (timeout !== 0 && round.timer === null) round.timer = ctx.schedule(TIMER_SLOT, {}, timeout);
    save(ctx, round);
  }

  private onTimer(ctx: ExecutionContext): void {
    const round = roundOf(ctx);
    if (round === undefined || round.timer !== ctx.taskId) return; // the round completed before its timeout
    save(ctx, null);
    const sources = round.received.map(([s]) => s);
    this.emit('timeout', { data: this.collect(round), sources, missing: this.getConfig<string[]>('sources', []).filter((s) => !sources.includes(s)) } satisfies AggregatorTimeout);
  }

  private isReady(round: Round): boolean {
    const have = round.received.length;
    const mode = this.getConfig<string>('mode', 'all');
    if (mode === 'any') return have >= 1;
    if (mode === 'count') return have >= this.getConfig<number>('count', 1);
    return have >= this.getConfig<string[]>('sources', []).length;
  }

  private collect(round: Round): Record<string, unknown> {
    const all = this.getConfig<string>('collect', 'latest') === 'all';
    const out: Record<string, unknown> = {};
    for (const [source, list] of round.received) out[source] = all ? [...list] : list[list.length - 1];
    return out;
  }
}

function roundOf(ctx: ExecutionContext): Round | undefined {
  const held = ctx.jobState.getRoutineState(ctx.routineId)?.[STATE] as Round | null | undefined;
  return held === undefined || held === null ? undefined : { received: held.received.map(([s, values]) => [s, [...values]]), timer: held.timer };
}

function save(ctx: ExecutionContext, round: Round | null): void {
  ctx.jobState.updateRoutineState(ctx.routineId, { [STATE]: round });
}
