import { regexProblem } from '../../index.js';

// A compact JSON Schema (draft 2020-12 subset) checker: type, enum, const, properties,
// required, additionalProperties, items, prefixItems, min/maxItems, uniqueItems,
// min/maxLength, pattern (same safety rules as condition regexes), minimum, maximum,
// exclusiveMinimum/Maximum, multipleOf, allOf, anyOf, oneOf, not, and local $ref
// ("#/$defs/…"). Unknown keywords are ignored, as the spec allows.

type Schema = Record<string, unknown> | boolean;

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  array: (v) => Array.isArray(v),
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

/** @internal what is wrong with a schema itself (unknown types, unsafe patterns), or undefined. */
export function schemaProblem(schema: unknown, path = '#'): string | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return `${path} must be an object or boolean`;
  const s = schema as Record<string, unknown>;
  const types = s['type'] === undefined ? [] : Array.isArray(s['type']) ? s['type'] : [s['type']];
  for (const t of types) if (typeof t !== 'string' || !(t in TYPE_CHECKS)) return `${path}/type ${JSON.stringify(t)} is not a JSON Schema type`;
  if (s['pattern'] !== undefined) {
    const why = typeof s['pattern'] === 'string' ? regexProblem(s['pattern']) : 'must be a string';
    if (why !== undefined) return `${path}/pattern: ${why}`;
  }
  const subs: [string, unknown][] = [];
  for (const k of ['items', 'additionalProperties', 'not']) if (s[k] !== undefined) subs.push([`${path}/${k}`, s[k]]);
  for (const k of ['properties', '$defs']) if (s[k] !== null && typeof s[k] === 'object') for (const [n, v] of Object.entries(s[k] as object)) subs.push([`${path}/${k}/${n}`, v]);
  for (const k of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach((v, i) => subs.push([`${path}/${k}/${i}`, v]));
  for (const [p, sub] of subs) {
    const why = schemaProblem(sub, p);
    if (why !== undefined) return why;
  }
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** @internal validates `value`; returns `"path: message"` strings (empty when valid). */
export function validateJsonSchema(value: unknown, root: Schema): string[] {
  const errors: string[] = [];
  const defs = typeof root === 'object' ? root['$defs'] : undefined;
  // sub-schemas validated on their own keep the root's $defs for local $ref
  const withDefs = (x: Schema): Schema => (typeof x === 'boolean' || defs === undefined ? x : { $defs: defs, ...x });
  const resolve = (ref: string): Schema | undefined => {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, part) ? (node as Record<string, unknown>)[part] : undefined;
    return typeof node === 'boolean' || (node !== null && typeof node === 'object') ? (node as Schema) : undefined;
  };
  const check = (v: unknown, schema: Schema, path: string, depth: number): void => {
    if (depth > 64) return void errors.push(`${path}: schema nesting too deep ($ref cycle?)`);
    if (schema === true) return;
    if (schema === false) return void errors.push(`${path}: no value is allowed here`);
    const s = schema;
    if (typeof s['$ref'] === 'string') {
      const target = resolve(s['$ref']);
      if (target === undefined) return void errors.push(`${path}: cannot resolve $ref ${s['$ref']}`);
      check(v, target, path, depth + 1);
    }
    const types = s['type'] === undefined ? undefined : Array.isArray(s['type']) ? (s['type'] as string[]) : [s['type'] as string];
    if (types !== undefined && !types.some((t) => TYPE_CHECKS[t]?.(v))) return void errors.push(`${path}: must be ${types.join(' or ')}`);
    if (Array.isArray(s['enum']) && !s['enum'].some((e) => equal(e, v))) errors.push(`${path}: must be one of ${JSON.stringify(s['enum'])}`);
    if ('const' in s && !equal(s['const'], v)) errors.push(`${path}: must equal ${JSON.stringify(s['const'])}`);
    if (typeof v === 'string') {
      if (typeof s['minLength'] === 'number' && v.length < s['minLength']) errors.push(`${path}: must have at least ${s['minLength']} characters`);
      if (typeof s['maxLength'] === 'number' && v.length > s['maxLength']) errors.push(`${path}: must have at most ${s['maxLength']} characters`);
      if (typeof s['pattern'] === 'string' && v.length <= 10_000 && !new RegExp(s['pattern'], 'u').test(v)) errors.push(`${path}: must match ${s['pattern']}`);
    }
    if (typeof v === 'number') {
      if (typeof s['minimum'] === 'number' && v < s['minimum']) errors.push(`${path}: must be >= ${s['minimum']}`);
      if (typeof s['maximum'] === 'number' && v > s['maximum']) errors.push(`${path}: must be <= ${s['maximum']}`);
      if (typeof s['exclusiveMinimum'] === 'number' && v <= s['exclusiveMinimum']) errors.push(`${path}: must be > ${s['exclusiveMinimum']}`);
      if (typeof s['exclusiveMaximum'] === 'number' && v >= s['exclusiveMaximum']) errors.push(`${path}: must be < ${s['exclusiveMaximum']}`);
      if (typeof s['multipleOf'] === 'number' && s['multipleOf'] > 0 && Math.abs(v / s['multipleOf'] - Math.round(v / s['multipleOf'])) > 1e-9) errors.push(`${path}: must be a multiple of ${s['multipleOf']}`);
    }
    if (Array.isArray(v)) {
      if (typeof s['minItems'] === 'number' && v.length < s['minItems']) errors.push(`${path}: must have at least ${s['minItems']} items`);
      if (typeof s['maxItems'] === 'number' && v.length > s['maxItems']) errors.push(`${path}: must have at most ${s['maxItems']} items`);
      if (s['uniqueItems'] === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) errors.push(`${path}: items must be unique`);
      const prefix = Array.isArray(s['prefixItems']) ? (s['prefixItems'] as Schema[]) : [];
      v.forEach((item, i) => {
        if (i < prefix.length) check(item, prefix[i]!, `${path}/${i}`, depth + 1);
        else if (s['items'] !== undefined) check(item, s['items'] as Schema, `${path}/${i}`, depth + 1);
      });
    }
    if (TYPE_CHECKS['object']!(v)) {
      const obj = v as Record<string, unknown>;
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      if (Array.isArray(s['required'])) for (const r of s['required'] as string[]) if (!Object.prototype.hasOwnProperty.call(obj, r)) errors.push(`${path}: must have required property '${r}'`);
      for (const [k, item] of Object.entries(obj)) {
        if (Object.prototype.hasOwnProperty.call(props, k)) check(item, props[k]!, `${path}/${k}`, depth + 1);
        else if (s['additionalProperties'] === false) errors.push(`${path}: must not have additional property '${k}'`);
        else if (s['additionalProperties'] !== undefined && s['additionalProperties'] !== true) check(item, s['additionalProperties'] as Schema, `${path}/${k}`, depth + 1);
      }
    }
    const sub = (schemas: unknown): number => (schemas as Schema[]).filter((x) => validateJsonSchema(v, withDefs(x)).length === 0).length;
    if (Array.isArray(s['allOf'])) for (const x of s['allOf'] as Schema[]) check(v, x, path, depth + 1);
    if (Array.isArray(s['anyOf']) && sub(s['anyOf']) === 0) errors.push(`${path}: must match at least one schema in anyOf`);
    if (Array.isArray(s['oneOf']) && sub(s['oneOf']) !== 1) errors.push(`${path}: must match exactly one schema in oneOf`);
    if (s['not'] !== undefined && validateJsonSchema(v, withDefs(s['not'] as Schema)).length === 0) errors.push(`${path}: must not match the "not" schema`);
  };
  check(value, root, '', 0);
  return errors.map((e) => (e.startsWith(':') ? `/${e}` : e));
}
