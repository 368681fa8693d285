import { validateSync, type ValidationError } from 'class-validator';
import { ErrorCode } from '../errors/error-codes.js';
import { ConfigValidationError } from '../errors/routilux-error.js';
import { toClassInstance } from '../serialization/to-class-instance.js';
import type { JsonValue } from './json-value.js';

/** A class-validator decorated class describing a routine's configuration. */
export type ConfigClass = new () => object;

/** @internal the options every config validation uses; exported so a test pins them. */
export const CONFIG_VALIDATOR_OPTIONS = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

function flatten(errors: ValidationError[], prefix = ''): { path: string; constraints: string[] }[] {
  const out: { path: string; constraints: string[] }[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ path, constraints: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flatten(e.children, path));
  }
  return out;
}

/** @internal validates `config` against `cls`; throws INVALID_CONFIG listing every field problem. */
export function validateConfig(cls: ConfigClass, config: Record<string, JsonValue>, routineName: string): void {
  // plainToInstance (not Object.assign): nested config classes (@ValidateNested + @Type) become instances.
  const instance = toClassInstance(cls, config);
  const errors = validateSync(instance, CONFIG_VALIDATOR_OPTIONS);
  if (errors.length === 0) return;
  const fields = flatten(errors);
  const summary = fields.map((f) => `${f.path}: ${f.constraints.join('; ')}`).join(' | ');
  throw new ConfigValidationError(ErrorCode.INVALID_CONFIG, `Invalid configuration for ${routineName}: ${summary}. Fix these fields (see ${cls.name}).`, {
    details: { routine: routineName, fields },
  });
}

/** @internal JSON defaults declared as property initializers of the config class. */
export function configDefaults(cls: ConfigClass): Record<string, JsonValue> {
  const instance = new cls() as Record<string, unknown>;
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(instance)) {
    const v = instance[key];
    if (v !== undefined && typeof v !== 'function') out[key] = JSON.parse(JSON.stringify(v)) as JsonValue;
  }
  return out;
}
