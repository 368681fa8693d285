import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { pickValue } from '../shared/input.js';
import { MISSING, getPath } from '../shared/paths.js';

/** Configuration of {@link Splitter}. */
export class SplitterConfig {
  /** Path of the collection in the input value (`data` of a built-in's payload, else the payload); `'$'` = the value itself. @default 'items' */
  @IsString() field?: string = 'items';
  /** Objects split into `'entries'` (`{ key, value }`), `'values'` or `'keys'`. @default 'entries' */
  @IsIn(['entries', 'values', 'keys']) objectMode?: 'entries' | 'values' | 'keys' = 'entries';
  /** Split strings by this separator (`'\n'` for lines, `''` for characters); unset: a string is one item. */
  @IsOptional() @IsString() @MaxLength(64) stringSeparator?: string;
  /** At most this many items per payload; the rest are dropped and `done` reports `truncated`. @default 10000 */
  @IsInt() @Min(1) @Max(10_000_000) maxItems?: number = 10_000;
}

/** Payload of Splitter's `item` event. */
export interface SplitterItem {
  /** The element (array element, `{ key, value }` entry, value or key, string part). */
  data: unknown;
  /** 0-based position. */
  index: number;
  /** Items emitted for this payload (after `maxItems`). */
  count: number;
}

/** Payload of Splitter's `done` event (after the last `item`); it passes no value on. */
export interface SplitterDone {
  /** Items emitted (≥ 1). */
  count: number;
  /** true when `maxItems` cut the collection. */
  truncated: boolean;
}

/** Payload of Splitter's `empty` event. */
export interface SplitterEmpty {
  /** The input value (whose collection was missing, null or empty). */
  data: unknown;
}

/**
 * Splits a collection into one event per element: arrays by element, objects by entry
 * (or value / key), strings as one item or by a separator. A missing field or a scalar
 * is one item.
 *
 * Slot `input` → `item({ data, index, count })` ({@link SplitterItem}) per element, then
 * `done({ count, truncated })` ({@link SplitterDone}); `empty({ data })` ({@link SplitterEmpty})
 * instead when there is nothing to split.
 *
 * @example
 * new Splitter({ field: 'order.lines' })
 */
@Routine({ name: 'routilux.Splitter', config: SplitterConfig })
export class Splitter extends ConfigurableRoutine {
  constructor(options?: SplitterConfig) {
    super();
    this.defineEvent('item', ['data', 'index', 'count']);
    this.defineEvent('done', ['count', 'truncated']);
    this.defineEvent('empty', ['data']);
    this.configure(options);
  }

  /** Splits one payload. */
  @Slot('input')
  onInput(payload: Record<string, unknown>, _ctx: ExecutionContext): void {
    const data = pickValue(payload, undefined);
    const value = getPath(data, this.getConfig<string>('field', 'items'));
    let items: unknown[];
    if (value === MISSING || value === undefined || value === null) items = [];
    else if (Array.isArray(value)) items = value;
    else if (typeof value === 'string') {
      const sep = this.getConfig<string | undefined>('stringSeparator');
      items = sep === undefined ? [value] : value.split(sep);
    } else if (typeof value === 'object') {
      const mode = this.getConfig<string>('objectMode', 'entries');
      const entries = Object.entries(value);
      items = mode === 'keys' ? entries.map(([k]) => k) : mode === 'values' ? entries.map(([, v]) => v) : entries.map(([key, v]) => ({ key, value: v }));
    } else items = [value];
    if (items.length === 0) {
      this.emit('empty', { data } satisfies SplitterEmpty);
      return;
    }
    const max = this.getConfig<number>('maxItems', 10_000);
    const count = Math.min(items.length, max);
    for (let index = 0; index < count; index++) this.emit('item', { data: items[index], index, count } satisfies SplitterItem);
    this.emit('done', { count, truncated: items.length > max } satisfies SplitterDone);
  }
}
