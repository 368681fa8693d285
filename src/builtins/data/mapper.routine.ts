import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { Routine, Slot, type ExecutionContext, type JsonValue } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check, isRecord } from '../shared/config-check.js';
import { functionRef } from '../shared/function-ref.js';
import { pickValue } from '../shared/input.js';
import { MISSING, parsePath, readPath, setPath, type PathStep } from '../shared/paths.js';
import { resolveTransformation } from './data-transformer.routine.js';

/** A mapping source: a path (`a.b[0].c`, `$.items[*].id`), or `{ path, default?, transform? }`. */
export type MappingSource = string | { path: string; default?: JsonValue; transform?: string | ((value: unknown) => unknown) };

/** A mapping that failed on one item: its target path and what went wrong (`"<transform>: <message>"`). */
export interface MappingError {
  field: string;
  error: string;
}

/** Payload of Mapper's `output` event. */
export interface MapperOutput {
  /** The mapped object; a list of mapped objects when the input value is an array. */
  data: Record<string, unknown> | Record<string, unknown>[];
  /** Targets written, summed over all items. */
  fieldsMapped: number;
  /** Failed transforms (the target is left out); empty when none failed. */
  errors: MappingError[];
}

function mappingsProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'must map target paths to source paths, e.g. { "customer": "order.customer.name" }';
  for (const [target, source] of Object.entries(v)) {
    try {
      parsePath(target);
      const spec = typeof source === 'string' ? { path: source } : source;
      if (!isRecord(spec) || typeof spec['path'] !== 'string') return `mapping "${target}" must be a path string or { path, default?, transform? }`;
      const extra = Object.keys(spec).filter((k) => !['path', 'default', 'transform'].includes(k));
      if (extra.length > 0) return `mapping "${target}" has unknown keys: ${extra.join(', ')}`;
      parsePath(spec['path']);
      const t = spec['transform'];
      if (t !== undefined && (typeof t !== 'string' || resolveTransformation(t) === undefined)) return `mapping "${target}" names an unknown transformation ${JSON.stringify(t)}`;
    } catch (error) {
      return `mapping "${target}": ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

/** Configuration of {@link Mapper}. */
export class MapperConfig {
  /** Target path → source. @default {} */
  @Check(mappingsProblem) mappings?: Record<string, MappingSource> = {};
  /** Leave a target out when its source is missing (else write `defaultValue`). @default true */
  @IsBoolean() dropMissing?: boolean = true;
  /** Copy the fields of the input that no mapping targets. @default false */
  @IsBoolean() keepUnmapped?: boolean = false;
  /** Written for missing sources when `dropMissing` is off. @default null */
  @Check(() => undefined) defaultValue?: JsonValue = null;
  /** Path of the value; default: `data.data` when present, else the payload. An array is mapped element by element. */
  @IsOptional() @IsString() inputKey?: string;
}

interface CompiledMapping {
  target: string;
  steps: PathStep[];
  hasDefault: boolean;
  fallback: unknown;
  transform: string | undefined;
}

/**
 * Builds new objects from paths into the input: dot paths (`order.items[0].sku`),
 * JSONPath-like paths with wildcards (`$.items[*].id` → a list), per-field defaults and
 * named transformations (DataTransformer's names or registered functions). A non-object
 * input is mapped as `{ value: input }`; an array is mapped element by element.
 *
 * Slot `input` → event `output({ data, fieldsMapped, errors })`.
 *
 * @example
 * new Mapper({ mappings: { customer: 'order.customer.name', ids: '$.order.items[*].id', qty: { path: 'order.qty', default: 1, transform: 'to_int' } } })
 */
@Routine({ name: 'routilux.Mapper', config: MapperConfig })
export class Mapper extends ConfigurableRoutine {
  constructor(options?: MapperConfig) {
    super();
    this.defineEvent('output', ['data', 'fieldsMapped', 'errors']);
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    const mappings = partial['mappings'];
    if (!isRecord(mappings)) return partial;
    const out: Record<string, unknown> = {};
    for (const [target, source] of Object.entries(mappings)) {
      out[target] = isRecord(source) && source['transform'] !== undefined ? { ...source, transform: functionRef(source['transform'], `Mapper mapping "${target}" transform`) } : source;
    }
    return { ...partial, mappings: out };
  }

  /** Maps one value (or each element of an array). */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const value = pickValue(data, this.getConfig<string | undefined>('inputKey'));
    const errors: MappingError[] = [];
    let fieldsMapped = 0;
    const mapOne = (item: unknown): Record<string, unknown> => {
      const source = isRecord(item) ? item : { value: item };
      const result = this.mapItem(source, errors);
      fieldsMapped += result.count;
      return result.data;
    };
    const mapped = Array.isArray(value) ? value.map(mapOne) : mapOne(value);
    const payload: MapperOutput = { data: mapped, fieldsMapped, errors };
    this.emit('output', payload);
  }

  private mapItem(source: Record<string, unknown>, errors: MappingError[]): { data: Record<string, unknown>; count: number } {
    const mappings = this.derived(() => compile(this.getConfig<Record<string, MappingSource>>('mappings', {})));
    const dropMissing = this.getConfig<boolean>('dropMissing', true);
    const out: Record<string, unknown> = {};
    if (this.getConfig<boolean>('keepUnmapped', false)) {
      const targets = new Set(mappings.map((m) => m.target.split(/[.[]/)[0]));
      for (const [k, v] of Object.entries(source)) if (!targets.has(k)) out[k] = v;
    }
    let count = 0;
    for (const m of mappings) {
      let v = readPath(source, m.steps);
      if (v === MISSING || v === undefined) {
        if (m.hasDefault) v = m.fallback;
        else if (dropMissing) continue;
        else v = this.getConfig<JsonValue>('defaultValue', null);
      }
      if (m.transform !== undefined) {
        try {
          v = resolveTransformation(m.transform)!(v);
        } catch (error) {
          errors.push({ field: m.target, error: `${m.transform}: ${error instanceof Error ? error.message : String(error)}` });
          continue;
        }
      }
      setPath(out, m.target, v);
      count++;
    }
    return { data: out, count };
  }
}

function compile(mappings: Record<string, MappingSource>): CompiledMapping[] {
  return Object.entries(mappings).map(([target, source]) => {
    const spec = typeof source === 'string' ? { path: source } : source;
    return {
      target,
      steps: parsePath(spec.path),
      hasDefault: spec.default !== undefined,
      fallback: spec.default,
      transform: typeof spec.transform === 'string' ? spec.transform : undefined,
    };
  });
}
