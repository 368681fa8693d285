/** A validator: true/false, or `[ok, message]`. */
export type Validator = (value: unknown) => boolean | readonly [boolean, string?];

/** The built-in validators of DataValidator, by name. */
export const BUILTIN_VALIDATORS: Readonly<Record<string, Validator>> = Object.freeze({
  not_empty: (v) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0),
  is_string: (v) => typeof v === 'string',
  is_int: (v) => typeof v === 'number' && Number.isInteger(v),
  is_float: (v) => typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v),
  is_number: (v) => typeof v === 'number' && Number.isFinite(v),
  is_bool: (v) => typeof v === 'boolean',
  is_object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  is_list: (v) => Array.isArray(v),
  is_positive: (v) => typeof v === 'number' && v > 0,
  is_non_negative: (v) => typeof v === 'number' && v >= 0,
  is_email: (v) => typeof v === 'string' && v.length <= 320 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v),
});
