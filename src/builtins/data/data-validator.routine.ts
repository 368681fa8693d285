import { IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import { FunctionRegistry, Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check, isRecord } from '../shared/config-check.js';
import { functionRef } from '../shared/function-ref.js';
import { pickValue } from '../shared/input.js';
import { BUILTIN_VALIDATORS, type Validator } from './validators.js';

function resolveValidator(name: string): Validator | undefined {
  return BUILTIN_VALIDATORS[name] ?? (FunctionRegistry.get(name) as Validator | undefined);
}

function rulesProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'must map field names to a validator name or a list of names';
  for (const [field, rule] of Object.entries(v)) {
    const names = Array.isArray(rule) ? rule : [rule];
    for (const name of names) {
      if (typeof name !== 'string' || resolveValidator(name) === undefined) {
        return `rule for "${field}" names an unknown validator ${JSON.stringify(name)}; built-ins: ${Object.keys(BUILTIN_VALIDATORS).join(', ')}, or register one with FunctionRegistry.register(name, fn)`;
      }
    }
  }
  return undefined;
}

/** Configuration of {@link DataValidator}. */
export class DataValidatorConfig {
  /** Field → validator name(s). For a list payload the rule `items` applies to every element; for a scalar, `value`. @default {} */
  @Check(rulesProblem) rules?: Record<string, string | Validator | (string | Validator)[]> = {};
  /** Fields that must be present (object payloads). @default [] */
  @IsArray() @IsString({ each: true }) requiredFields?: string[] = [];
  /** Stop at the first error. @default false */
  @IsBoolean() strictMode?: boolean = false;
  /** Allow fields that have no rule and are not required. @default true */
  @IsBoolean() allowExtraFields?: boolean = true;
  /** Path of the value; default: `data.data` when present, else the payload. */
  @IsOptional() @IsString() inputKey?: string;
}

/** One validation problem. */
export interface ValidationIssue {
  /** The field name; `items` for a list element, `value` for a scalar input. */
  field: string;
  /** `'required'`, `'extra'` or the validator name. */
  rule: string;
  /** What is wrong (a custom validator's message when it returned `[false, message]`). */
  message: string;
}

/** Payload of DataValidator's `valid` event. */
export interface DataValidatorValid {
  /** The input value, unchanged. */
  data: unknown;
}

/** Payload of DataValidator's `invalid` event. */
export interface DataValidatorInvalid {
  /** The input value, unchanged. */
  data: unknown;
  /** At least one issue, in check order (only the first with `strictMode`). */
  errors: ValidationIssue[];
}

/**
 * Validates objects (per-field rules, required fields, extra-field policy), lists (rule
 * `items`) and scalars (rule `value`) with named validators (not_empty, is_string,
 * is_int, is_float, is_number, is_bool, is_object, is_list, is_positive,
 * is_non_negative, is_email) or registered custom ones returning `boolean` or `[ok, message]`.
 *
 * Slot `input` → `valid({ data })` or `invalid({ data, errors })` (`errors`: `{ field, rule, message }[]`).
 *
 * @example
 * new DataValidator({ requiredFields: ['id'], rules: { id: 'is_int', email: ['not_empty', 'is_email'] } })
 */
@Routine({ name: 'routilux.DataValidator', config: DataValidatorConfig })
export class DataValidator extends ConfigurableRoutine {
  constructor(options?: DataValidatorConfig) {
    super();
    this.defineEvent('valid', ['data']);
    this.defineEvent('invalid', ['data', 'errors']);
    this.configure(options);
  }

  protected override normalizeConfig(partial: Record<string, unknown>): Record<string, unknown> {
    const rules = partial['rules'];
    if (!isRecord(rules)) return partial;
    const out: Record<string, unknown> = {};
    for (const [field, rule] of Object.entries(rules)) {
      out[field] = Array.isArray(rule) ? rule.map((r) => functionRef(r, `DataValidator rule "${field}"`)) : functionRef(rule, `DataValidator rule "${field}"`);
    }
    return { ...partial, rules: out };
  }

  /** Validates one value. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const value = pickValue(data, this.getConfig<string | undefined>('inputKey'));
    const errors = this.validate(value);
    if (errors.length === 0) this.emit('valid', { data: value } satisfies DataValidatorValid);
    else this.emit('invalid', { data: value, errors } satisfies DataValidatorInvalid);
  }

  private validate(value: unknown): ValidationIssue[] {
    const rules = this.getConfig<Record<string, string | string[]>>('rules', {});
    const strict = this.getConfig<boolean>('strictMode', false);
    const errors: ValidationIssue[] = [];
    const add = (issue: ValidationIssue): boolean => {
      errors.push(issue);
      return strict;
    };
    const check = (field: string, v: unknown): boolean => {
      const rule = rules[field];
      for (const name of rule === undefined ? [] : Array.isArray(rule) ? rule : [rule]) {
        const fn = resolveValidator(name);
        let ok = false;
        let message = `Field '${field}' failed validation ${name}`;
        try {
          const out = fn === undefined ? false : fn(v);
          if (Array.isArray(out)) {
            ok = out[0] === true;
            if (typeof out[1] === 'string') message = out[1];
          } else ok = out === true;
        } catch (error) {
          message = `Field '${field}': validator ${name} threw: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (!ok && add({ field, rule: name, message })) return true;
      }
      return false;
    };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (check('items', value[i])) break;
      return errors;
    }
    if (!isRecord(value)) {
      check('value', value);
      return errors;
    }
    for (const field of this.getConfig<string[]>('requiredFields', [])) {
      if (!Object.prototype.hasOwnProperty.call(value, field) && add({ field, rule: 'required', message: `Required field '${field}' is missing` })) return errors;
    }
    for (const field of Object.keys(rules)) {
      if (Object.prototype.hasOwnProperty.call(value, field) && check(field, value[field])) return errors;
    }
    if (!this.getConfig<boolean>('allowExtraFields', true)) {
      const known = new Set([...Object.keys(rules), ...this.getConfig<string[]>('requiredFields', [])]);
      for (const field of Object.keys(value)) {
        if (!known.has(field) && add({ field, rule: 'extra', message: `Unexpected field '${field}'` })) return errors;
      }
    }
    return errors;
  }
}
