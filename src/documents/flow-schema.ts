import { createRequire } from 'node:module';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { escapeToken, type DocumentIssue } from './document-issues.js';

// The one source of truth for the shape of a flow document is schema/flow.schema.json, the
// file published as `routilux/flow.schema.json`. The loader validates with that very file
// (compiled once by Ajv), so what editors check and what the loader accepts cannot drift.
const require = createRequire(import.meta.url);
const SCHEMA_PATH = '../../schema/flow.schema.json';

type AjvClass = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;

let compiled: ValidateFunction | undefined;

/** @internal the JSON Schema (draft 2020-12) of flow documents, as shipped. */
export function flowSchema(): Record<string, unknown> {
  return require(SCHEMA_PATH) as Record<string, unknown>;
}

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(flowSchema());
  }
  return compiled;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: string): unknown {
  let cur = root;
  for (const token of path === '' ? [] : path.slice(1).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function toIssue(e: ErrorObject, root: unknown): DocumentIssue | undefined {
  const p = e.params as Record<string, unknown>;
  const got = (): string => typeName(valueAt(root, e.instancePath));
  switch (e.keyword) {
    case 'if':
    case 'anyOf':
    case 'propertyNames':
      return undefined; // the errors of the branch that applied say more, at a finer path
    case 'required':
      return { path: `${e.instancePath}/${escapeToken(String(p['missingProperty']))}`, message: `the required key "${String(p['missingProperty'])}" is missing` };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${escapeToken(String(p['additionalProperty']))}`, message: `unknown key "${String(p['additionalProperty'])}"; remove it or check its spelling` };
    case 'pattern':
      if (e.propertyName !== undefined) {
        return { path: `${e.instancePath}/${escapeToken(e.propertyName)}`, message: `"${e.propertyName}" is not a valid id: use 1-128 letters, digits, "_", ".", ":" or "-", not starting with ".", ":" or "-"` };
      }
      if (/\/connections\/\d+\/(from|to)$/.test(e.instancePath)) {
        return { path: e.instancePath, message: `must be "routineId.${e.instancePath.endsWith('from') ? 'event' : 'slot'}" (split at the last "."); got ${got()}` };
      }
      return { path: e.instancePath, message: `must match ${String(p['pattern'])}; got ${got()}` };
    case 'type':
      return { path: e.instancePath, message: `must be ${String(p['type']) === 'object' ? 'an object' : String(p['type']) === 'array' ? 'an array' : `a ${String(p['type'])}`}; got ${got()}` };
    case 'enum':
      return { path: e.instancePath, message: `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${got()}` };
    case 'const':
      return { path: e.instancePath, message: `must be ${JSON.stringify(p['allowedValue'])}; got ${got()}` };
    default:
      return { path: e.instancePath, message: `${e.message ?? 'is invalid'}; got ${got()}` };
  }
}

/**
 * @internal every schema issue of a flow document, each at its own JSON Pointer (a missing
 * key at the path it should have), in document order.
 */
export function flowSchemaIssues(doc: unknown): DocumentIssue[] {
  const validate = validator();
  if (validate(doc)) return [];
  const out: DocumentIssue[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const issue = toIssue(e, doc);
    if (issue === undefined) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  // anyOf (executionTimeout: number or null) only reports its branches; say it plainly once.
  return out.map((i) => (/^\/executionTimeout$/.test(i.path) ? { path: i.path, message: `must be a number of ms > 0 and <= 2147483647, or null for no timeout; got ${typeName(valueAt(doc, i.path))}` } : i)).filter(
    (i, n, all) => all.findIndex((j) => j.path === i.path && j.message === i.message) === n,
  );
}
