import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Routine, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { pickValue } from '../shared/input.js';
import { MISSING, getPath } from '../shared/paths.js';

/** Configuration of {@link Batcher}. */
export class BatcherConfig {
  /** Items per batch. @default 10 */
  @IsInt() @Min(1) @Max(1_000_000) batchSize?: number = 10;
  /** Ms after the first item of a batch to flush a partial batch. Always set, so a job never ends with items left over. @default 1000 */
  @IsInt() @Min(1) @Max(2_147_483_647) timeout?: number = 1000;
  /** Path of the item in the input value; default: the input value itself (`data` of a built-in's payload, else the payload). */
  @IsOptional() @IsString() field?: string;
}

/** The batch of one job, kept in the job (its routine state), so it survives pause → serialize → resume elsewhere. */
interface BatchState {
  items: unknown[];
  batchNumber: number;
  /** Task id of the timer delivery that flushes this batch, while one is due. */
  timer: string | null;
}

/** The routine-state key of the batch. */
const STATE = 'batch';

/** Payload of Batcher's `batch` event. */
export interface BatcherBatch {
  /** The items, in arrival order (1 to batchSize; an item missing at `field` is null). */
  data: unknown[];
  /** data.length. */
  count: number;
  /** 1-based, per job. */
  batchNumber: number;
  /** `'size'`: batchSize reached; `'timeout'`: `timeout` ms after the batch's first item; `'flush'`: a payload on `flush`. */
  reason: 'size' | 'timeout' | 'flush';
}

/**
 * Groups items into batches of `batchSize`. A partial batch is flushed `timeout` ms
 * after its first item, or at once by a payload on the `flush` slot, so no item is left
 * behind when the job ends: the batch's timer keeps the job running (`ctx.waitUntil`)
 * without holding a worker (see docs/builtins.md, "Timers").
 *
 * Slots `input` (one item per payload) and `flush` → `batch({ data, count, batchNumber, reason })`
 * ({@link BatcherBatch}; `data` is the list of items). Batches are per job.
 *
 * @example
 * new Batcher({ batchSize: 50, timeout: 2000 })
 */
@Routine({ name: 'routilux.Batcher', config: BatcherConfig })
export class Batcher extends ConfigurableRoutine {
  constructor(options?: BatcherConfig) {
    super();
    this.defineEvent('batch', ['data', 'count', 'batchNumber', 'reason']);
    this.defineSlot('input', (data: Record<string, unknown>, ctx: ExecutionContext) => this.add(data, ctx));
    this.defineSlot('flush', (_data: Record<string, unknown>, ctx: ExecutionContext) => this.flush(ctx, stateOf(ctx), 'flush'));
    // the batch's own timer (ctx.schedule): a pending delivery of the job, kept across a pause
    this.defineSlot('timeout', (_data: Record<string, unknown>, ctx: ExecutionContext) => this.onTimer(ctx), { internal: true });
    this.configure(options);
  }

  private add(data: Record<string, unknown>, ctx: ExecutionContext): void {
    const state = stateOf(ctx);
    const field = this.getConfig<string | undefined>('field');
    const value = pickValue(data, undefined);
    const item = field === undefined ? value : getPath(value, field);
    state.items.push(item === MISSING || item === undefined ? null : item);
    if (state.items.length >= this.getConfig<number>('batchSize', 10)) {
      this.flush(ctx, state, 'size');
      return;
    }
    // The job stays alive until the batch is flushed, but no worker waits for it.
    if (state.timer === null) state.timer = ctx.schedule('timeout', {}, this.getConfig<number>('timeout', 1000));
    save(ctx, state);
  }

  private onTimer(ctx: ExecutionContext): void {
    const state = stateOf(ctx);
    if (state.timer !== ctx.taskId) return; // a timer of a batch already flushed
    state.timer = null;
    this.flush(ctx, state, 'timeout');
  }

  private flush(ctx: ExecutionContext, state: BatchState, reason: 'size' | 'timeout' | 'flush'): void {
    if (state.timer !== null) {
      ctx.cancelScheduled(state.timer);
      state.timer = null;
    }
    if (state.items.length === 0) {
      save(ctx, state);
      return;
    }
    const items = state.items;
    state.items = [];
    state.batchNumber++;
    save(ctx, state);
    this.emit('batch', { data: items, count: items.length, batchNumber: state.batchNumber, reason } satisfies BatcherBatch);
  }
}

function stateOf(ctx: ExecutionContext): BatchState {
  const held = ctx.jobState.getRoutineState(ctx.routineId)?.[STATE] as BatchState | undefined;
  return held === undefined ? { items: [], batchNumber: 0, timer: null } : { items: [...held.items], batchNumber: held.batchNumber, timer: held.timer };
}

function save(ctx: ExecutionContext, state: BatchState): void {
  ctx.jobState.updateRoutineState(ctx.routineId, { [STATE]: state });
}
