import { compileExpression, ConfigValidationError, ErrorCode, ExpressionEvaluationError, FunctionRegistry, type JsonValue } from '../../index.js';
import { functionRef } from '../shared/function-ref.js';
import { MISSING, getPath } from '../shared/paths.js';

/** A condition written in code: returns a boolean, or `[passed, reason]`. Serializes by its FunctionRegistry name. */
export type ConditionFunction = (data: Record<string, unknown>) => boolean | readonly [boolean, string?];

/**
 * A condition as stored in configuration (JSON):
 * - a CEL expression string over `data` (`'data.score > 0.5 && "x" in data.tags'`), or `{ expr }`;
 * - `{ fn: name }`: a function registered with `FunctionRegistry.register(name, fn)`;
 * - `{ equals: { path: value } }`: every path equals its value.
 */
export type ConditionSpec = string | { expr: string } | { fn: string } | { equals: Record<string, JsonValue> };

/** What routines accept from code: a spec, or a registered function. */
export type ConditionInput = ConditionSpec | ConditionFunction;

/** Outcome of testing one payload. */
export interface ConditionResult {
  readonly matched: boolean;
  readonly reason?: string;
}

/** A condition compiled once (at configuration time) and tested per payload. */
export interface CompiledCondition {
  readonly spec: ConditionSpec;
  /** Tests one payload; throws ExpressionEvaluationError when it cannot be evaluated. */
  /** Tests one input value (a built-in's `data`, usually an object). */
  test(data: unknown): ConditionResult;
}

/**
 * Turns a condition given in code into its JSON form. A function must be registered in
 * the FunctionRegistry (its name is what a serialized flow stores); an unregistered one
 * → `UNSERIALIZABLE_FUNCTION`.
 */
export function normalizeCondition(input: unknown, where: string): unknown {
  return typeof input === 'function' ? { fn: functionRef(input, `${where} (function condition)`) } : input;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function invalid(why: string): never {
  throw new ConfigValidationError(ErrorCode.INVALID_CONFIG, `Invalid condition: ${why}`, { details: { reason: why } });
}

/**
 * Compiles a condition spec. A CEL string is parsed and checked now, so a bad condition
 * fails at configuration time (ExpressionCompileError, code INVALID_CONFIG); an unknown
 * function name fails with INVALID_CONFIG too.
 */
export function compileCondition(spec: unknown): CompiledCondition {
  if (typeof spec === 'string' || (isRecord(spec) && typeof spec['expr'] === 'string' && Object.keys(spec).length === 1)) {
    const expression = compileExpression(typeof spec === 'string' ? spec : spec['expr']);
    return {
      spec: spec as ConditionSpec,
      test: (data) => (expression.test(data) ? { matched: true } : { matched: false, reason: `condition ${expression.source} is false` }),
    };
  }
  if (isRecord(spec) && typeof spec['fn'] === 'string' && Object.keys(spec).length === 1) {
    const name = spec['fn'];
    const fn = FunctionRegistry.get(name);
    if (fn === undefined) invalid(`no function is registered as "${name}"; register it with FunctionRegistry.register("${name}", fn) before configuring the routine.`);
    return { spec: { fn: name }, test: (data) => callFunction(name, fn as unknown as ConditionFunction, data) };
  }
  if (isRecord(spec) && isRecord(spec['equals']) && Object.keys(spec).length === 1) {
    const expected = Object.entries(spec['equals']);
    for (const [path] of expected) getPath({}, path); // validates every path now
    return {
      spec: spec as ConditionSpec,
      test: (data) => {
        for (const [path, value] of expected) {
          const actual = getPath(data, path);
          if (actual === MISSING) return { matched: false, reason: `missing field "${path}"` };
          if (!deepEqual(actual, value)) return { matched: false, reason: `field "${path}" is not ${JSON.stringify(value)}` };
        }
        return { matched: true };
      },
    };
  }
  return invalid('use a CEL string (e.g. "data.score > 0.5"), { expr }, { fn: "registered.name" } or { equals: { field: value } }.');
}

function callFunction(name: string, fn: ConditionFunction, data: unknown): ConditionResult {
  let out: unknown;
  try {
    out = fn(data as Record<string, unknown>);
  } catch (error) {
    throw new ExpressionEvaluationError(`fn:${name}`, 'evaluation', error instanceof Error ? error.message : String(error), error);
  }
  if (typeof out === 'boolean') return out ? { matched: true } : { matched: false, reason: `${name} returned false` };
  if (Array.isArray(out) && typeof out[0] === 'boolean') {
    const reason = typeof out[1] === 'string' ? out[1] : `${name} returned false`;
    return out[0] ? { matched: true } : { matched: false, reason };
  }
  throw new ExpressionEvaluationError(`fn:${name}`, 'not_boolean', 'a condition function must return a boolean or [boolean, reason].');
}

/** @internal the problem with a condition spec, or undefined when it compiles. */
export function conditionProblem(spec: unknown): string | undefined {
  try {
    compileCondition(spec);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
