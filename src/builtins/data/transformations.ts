/** A named transformation: value in, value out. Throwing reports an error and keeps the value. */
export type Transformation = (value: unknown) => unknown;

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

function removeNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(removeNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, removeNulls(v)]));
  }
  return value;
}

function toNumber(value: unknown, integer: boolean): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : typeof value === 'boolean' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new Error(`cannot convert ${JSON.stringify(value) ?? String(value)} to a number`);
  return integer ? Math.trunc(n) : n;
}

/** The built-in transformations of DataTransformer, by name. Strings inside objects and arrays are transformed too. */
export const BUILTIN_TRANSFORMATIONS: Readonly<Record<string, Transformation>> = Object.freeze({
  lowercase: (v) => mapStrings(v, (s) => s.toLowerCase()),
  uppercase: (v) => mapStrings(v, (s) => s.toUpperCase()),
  trim: (v) => mapStrings(v, (s) => s.trim()),
  to_string: (v) => (typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)),
  to_int: (v) => toNumber(v, true),
  to_float: (v) => toNumber(v, false),
  to_bool: (v) => (typeof v === 'string' ? ['true', '1', 'yes', 'on'].includes(v.trim().toLowerCase()) : Boolean(v)),
  remove_nulls: removeNulls,
  parse_json: (v) => {
    if (typeof v !== 'string') throw new Error('parse_json needs a string');
    return JSON.parse(v) as unknown;
  },
  to_json: (v) => JSON.stringify(v),
  keys: (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('keys needs an object');
    return Object.keys(v);
  },
});
