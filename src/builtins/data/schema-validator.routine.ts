import { IsOptional, IsString } from 'class-validator';
import { validateSync } from 'class-validator';
import { FunctionRegistry, Routine, Slot, type ExecutionContext, type JsonValue } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { functionRef } from '../shared/function-ref.js';
import { pickValue } from '../shared/input.js';
import { schemaProblem, validateJsonSchema } from './json-schema.js';

/** A class-validator decorated class usable as a schema. */
export type SchemaClass = new () => object;

function schemaClassProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return 'must be the FunctionRegistry name of a class-validator class (register it with FunctionRegistry.register(name, Class))';
  return typeof FunctionRegistry.get(v) === 'function' ? undefined : `names no registered class "${v}"; register it with FunctionRegistry.register("${v}", Class)`;
}

/** Configuration of {@link SchemaValidator}. Exactly one of `schema` and `schemaClass`. */
export class SchemaValidatorConfig {
  /** A JSON Schema (subset: see docs/builtins.md). */
  @Check((v, o) => (o['schemaClass'] !== undefined && v !== undefined ? 'and schemaClass cannot both be set' : v === undefined ? (o['schemaClass'] === undefined ? 'or schemaClass is required' : undefined) : schemaProblem(v)))
  schema?: JsonValue;
  /** A class-validator class (or its FunctionRegistry name); the value is validated as an instance of it. */
  @IsOptional() @Check(schemaClassProblem) schemaClass?: string | SchemaClass;
  /** Path of the value; default: `data.data` when present, else the payload. */
  @IsOptional() @IsString() inputKey?: string;
}

/** Payload of SchemaValidator's `valid` event. */
export interface SchemaValidatorValid {
  /** The input value, unchanged. */
  data: unknown;
  schemaType: 'json-schema' | 'class';
}

/** Payload of SchemaValidator's `invalid` event. */
export interface SchemaValidatorInvalid {
  /** The input value, unchanged. */
  data: unknown;
  /** At least one `"<JSON pointer>: <message>"` string, e.g. `"/id: must be integer"` (`/` is the value itself). */
  errors: string[];
  schemaType: 'json-schema' | 'class';
}

/**
 * Validates values against a JSON Schema or a class-validator class (properties are
 * copied onto a new instance, then `validateSync` runs with whitelist checks).
 *
 * Slot `input` → `valid({ data, schemaType })` ({@link SchemaValidatorValid}) or `invalid({ data, errors, schemaType })` ({@link SchemaValidatorInvalid});
 * `errors` are `"path: message"` strings; `schemaType` is `'json-schema'` or `'class'`.
 *
 * @example
 * new SchemaValidator({ schema: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } })
 */
@Routine({ name: 'routilux.SchemaValidator', config: SchemaValidatorConfig })
export class SchemaValidator extends ConfigurableRoutine {
  constructor(options?: SchemaValidatorConfig) {
    super();
    this.defineEvent('valid', ['data', 'schemaType']);
    this.defineEvent('invalid', ['data', 'errors', 'schemaType']);
    // Added as a class (addRoutine(SchemaValidator), deserialization) the DI container passes a
    // defaults-only config instance; configure() skips it and the schema arrives with setConfig.
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    return 'schemaClass' in partial ? { ...partial, schemaClass: functionRef(partial['schemaClass'], 'SchemaValidator schemaClass') } : partial;
  }

  /** Validates one value. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const value = pickValue(data, this.getConfig<string | undefined>('inputKey'));
    const className = this.getConfig<string | undefined>('schemaClass');
    let errors: string[];
    let schemaType: 'json-schema' | 'class';
    if (className !== undefined) {
      schemaType = 'class';
      errors = validateWithClass(value, FunctionRegistry.get(className) as unknown as SchemaClass);
    } else {
      schemaType = 'json-schema';
      const schema = this.getConfig<JsonValue | undefined>('schema');
      errors = schema === undefined ? ['/: no schema configured; set schema or schemaClass'] : validateJsonSchema(value, schema as Record<string, unknown> | boolean);
    }
    if (errors.length === 0) this.emit('valid', { data: value, schemaType } satisfies SchemaValidatorValid);
    else this.emit('invalid', { data: value, errors, schemaType } satisfies SchemaValidatorInvalid);
  }
}

function validateWithClass(value: unknown, cls: SchemaClass): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`/: must be an object to validate against ${cls.name}`];
  const instance = Object.assign(new cls(), value);
  const out: string[] = [];
  const walk = (errs: ReturnType<typeof validateSync>, prefix: string): void => {
    for (const e of errs) {
      const path = `${prefix}/${e.property}`;
      for (const msg of Object.values(e.constraints ?? {})) out.push(`${path}: ${msg}`);
      if (e.children !== undefined) walk(e.children, path);
    }
  };
  walk(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } }), '');
  return out;
}
