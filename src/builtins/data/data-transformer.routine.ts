import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { FunctionRegistry, Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { functionRef } from '../shared/function-ref.js';
import { pickValue } from '../shared/input.js';
import { BUILTIN_TRANSFORMATIONS, type Transformation } from './transformations.js';

/** Resolves a transformation name: built-in first, then FunctionRegistry. @internal */
export function resolveTransformation(name: string): Transformation | undefined {
  return BUILTIN_TRANSFORMATIONS[name] ?? (FunctionRegistry.get(name) as Transformation | undefined);
}

/** @internal what is wrong with a list of transformation names (or names given as functions). */
export function transformationsProblem(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'must be an array of transformation names';
  for (const name of v) {
    if (typeof name !== 'string' || resolveTransformation(name) === undefined) {
      return `names an unknown transformation ${JSON.stringify(name)}; built-ins: ${Object.keys(BUILTIN_TRANSFORMATIONS).join(', ')}, or register one with FunctionRegistry.register(name, fn)`;
    }
  }
  return undefined;
}

/** Configuration of {@link DataTransformer}. */
export class DataTransformerConfig {
  /** Transformations to apply, in order: built-in names or FunctionRegistry names (functions given in code must be registered). @default [] */
  @Check(transformationsProblem) transformations?: (string | Transformation)[] = [];
  /** Chain: each transformation gets the previous result. Off: each gets the original value and the last success wins. @default true */
  @IsBoolean() chain?: boolean = true;
  /** Path of the value; default: `data.data` when present, else the payload. */
  @IsOptional() @IsString() inputKey?: string;
}

/** A transformation that failed (and was skipped): its name and the error message. */
export interface TransformationError {
  transformation: string;
  error: string;
}

/** Payload of DataTransformer's `output` event. */
export interface DataTransformerOutput {
  /** The transformed value (the input value when nothing applied). */
  data: unknown;
  /** Names that succeeded, in order; `[]` when none. */
  applied: string[];
  /** Failed or unknown transformations, in order; `[]` when none. */
  errors: TransformationError[];
}

/**
 * Applies named transformations (lowercase, uppercase, trim, to_string, to_int,
 * to_float, to_bool, remove_nulls, parse_json, to_json, keys, or registered custom
 * ones) in order. A failing transformation is reported in `errors` and skipped; the
 * routine does not throw.
 *
 * Slot `input` → event `output({ data, applied, errors })` ({@link DataTransformerOutput}).
 *
 * @example
 * new DataTransformer({ transformations: ['trim', 'lowercase'] })
 */
@Routine({ name: 'routilux.DataTransformer', config: DataTransformerConfig })
export class DataTransformer extends ConfigurableRoutine {
  constructor(options?: DataTransformerConfig) {
    super();
    this.defineEvent('output', ['data', 'applied', 'errors']);
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    const list = partial['transformations'];
    if (!Array.isArray(list)) return partial;
    return { ...partial, transformations: list.map((t) => functionRef(t, 'DataTransformer transformations')) };
  }

  /** Transforms one value. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const original = pickValue(data, this.getConfig<string | undefined>('inputKey'));
    const chain = this.getConfig<boolean>('chain', true);
    let value = original;
    const applied: string[] = [];
    const errors: TransformationError[] = [];
    for (const name of this.getConfig<string[]>('transformations', [])) {
      const fn = resolveTransformation(name);
      if (fn === undefined) {
        errors.push({ transformation: name, error: `unknown transformation "${name}"` });
        continue;
      }
      try {
        value = fn(chain ? value : original);
        applied.push(name);
      } catch (error) {
        errors.push({ transformation: name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const payload: DataTransformerOutput = { data: value, applied, errors };
    this.emit('output', payload);
  }
}
