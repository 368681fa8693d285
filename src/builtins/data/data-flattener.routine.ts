import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { pickValue } from '../shared/input.js';

/** Configuration of {@link DataFlattener}. */
export class DataFlattenerConfig {
  /** Joins key segments. @default '.' */
  @IsString() @MinLength(1) @MaxLength(8) separator?: string = '.';
  /** Flatten list elements by index (`items.0`); when off, lists are kept as values. @default true */
  @IsBoolean() flattenLists?: boolean = true;
  /** Deeper values are kept as they are under their key. @default 100 */
  @IsInt() @Min(1) @Max(1000) maxDepth?: number = 100;
  /** Path of the value; default: `data.data` when present, else the payload. */
  @IsOptional() @IsString() inputKey?: string;
}

/** Payload of DataFlattener's `output` event. */
export interface DataFlattenerOutput {
  /** Joined key → leaf value; a scalar (or a list with `flattenLists` off) is `{ value }`; an empty object `{}`. */
  data: Record<string, unknown>;
  /** Type of the input value: `'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'undefined'`. */
  originalType: string;
  /** Deepest container level reached; 0 for a scalar. */
  depth: number;
}

/**
 * Flattens nested objects (and lists, by index) into one level of joined keys:
 * `{ a: { b: 1 }, items: [1, { c: 2 }] }` → `{ 'a.b': 1, 'items.0': 1, 'items.1.c': 2 }`.
 * A scalar becomes `{ value: x }`; cycles become `'[Circular Reference]'`.
 *
 * Slot `input` → event `output({ data, originalType, depth })` ({@link DataFlattenerOutput}).
 */
@Routine({ name: 'routilux.DataFlattener', config: DataFlattenerConfig })
export class DataFlattener extends ConfigurableRoutine {
  constructor(options?: DataFlattenerConfig) {
    super();
    this.defineEvent('output', ['data', 'originalType', 'depth']);
    this.configure(options);
  }

  /** Flattens one value. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const value = pickValue(data, this.getConfig<string | undefined>('inputKey'));
    const originalType = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const result = flatten(value, this.getConfig<string>('separator', '.'), this.getConfig<boolean>('flattenLists', true), this.getConfig<number>('maxDepth', 100));
    this.emit('output', { data: result.data, originalType, depth: result.depth } satisfies DataFlattenerOutput);
  }
}

/** The flattening rule of {@link DataFlattener}, as a pure function. */
export function flatten(value: unknown, separator = '.', flattenLists = true, maxDepth = 100): { data: Record<string, unknown>; depth: number } {
  const out: Record<string, unknown> = {};
  if (value === null || typeof value !== 'object' || (Array.isArray(value) && !flattenLists)) return { data: { value }, depth: 0 };
  let depth = 0;
  const path = new Set<object>();
  const walk = (v: unknown, prefix: string, level: number): void => {
    const container = v !== null && typeof v === 'object' && (flattenLists || !Array.isArray(v));
    if (!container || level >= maxDepth || (prefix !== '' && Object.keys(v as object).length === 0)) {
      out[prefix] = v;
      return;
    }
    if (path.has(v as object)) {
      out[prefix] = '[Circular Reference]';
      return;
    }
    path.add(v as object);
    depth = Math.max(depth, level + 1);
    for (const [k, child] of Object.entries(v as object)) walk(child, prefix === '' ? k : `${prefix}${separator}${k}`, level + 1);
    path.delete(v as object);
  };
  walk(value, '', 0);
  return { data: out, depth };
}
