// The only module that imports the CEL library. Expressions are parsed once, checked
// against the sandbox policy, type-checked, and then evaluated on a plain copy of each
// payload (see json-bridge.ts). No eval, Function or vm anywhere.
import { Environment, ParseError, type ParseResult } from '@marcbachmann/cel-js';
import { checkPolicy, estimateCost, type AstNode, type CostNode } from './ast-policy.js';
import { ExpressionCompileError, ExpressionEvaluationError } from './expression-errors.js';
import { EXPRESSION_LIMITS } from './expression-limits.js';
import { toCelInput } from './json-bridge.js';

const environment = new Environment({
  unlistedVariablesAreDyn: false,
  homogeneousAggregateLiterals: false,
  enableOptionalTypes: false,
  limits: {
    maxAstNodes: EXPRESSION_LIMITS.maxAstNodes,
    maxDepth: EXPRESSION_LIMITS.maxDepth,
    maxListElements: EXPRESSION_LIMITS.maxLiteralElements,
    maxMapEntries: EXPRESSION_LIMITS.maxLiteralElements,
    maxCallArguments: EXPRESSION_LIMITS.maxCallArguments,
  },
}).registerVariable('data', 'dyn');

/** A boolean expression compiled once and evaluated per payload. */
export interface CompiledExpression {
  /** The source text. */
  readonly source: string;
  /** Evaluates on `data` (available as `data` in the expression); throws ExpressionEvaluationError. */
  test(data: unknown): boolean;
}

const CACHE_LIMIT = 512;
const cache = new Map<string, CompiledExpression>();

/**
 * Compiles a CEL condition under the sandbox limits (EXPRESSION_LIMITS). Throws
 * ExpressionCompileError (code INVALID_CONFIG) for syntax errors, unknown names,
 * forbidden members or functions, unsafe regular expressions, and expressions that are
 * too long or too complex. Compiled expressions are cached by source.
 */
export function compileExpression(source: unknown): CompiledExpression {
  if (typeof source !== 'string' || source.trim().length === 0) {
    throw new ExpressionCompileError(String(source), 'syntax', 'a condition must be a non-empty string such as \'data.score > 0.5\'.');
  }
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  if (source.length > EXPRESSION_LIMITS.maxSourceLength) {
    throw new ExpressionCompileError(source, 'too_long', `conditions are limited to ${EXPRESSION_LIMITS.maxSourceLength} characters; this one has ${source.length}.`);
  }
  let parsed: ParseResult;
  try {
    parsed = environment.parse(source);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (code === 'limit_exceeded') throw new ExpressionCompileError(source, 'too_complex', `${first}; simplify the condition.`);
    throw new ExpressionCompileError(source, 'syntax', `${first}. Conditions use CEL syntax, e.g. 'data.kind == "json" && data.score > 0.5'.`);
  }
  const policy = checkPolicy(parsed.ast as unknown as AstNode);
  if (policy.problem !== undefined) throw new ExpressionCompileError(source, policy.problem.reason, `${policy.problem.why}.`);
  let checked: { valid: boolean; type?: unknown; error?: { message?: string } };
  try {
    checked = parsed.check() as typeof checked;
  } catch (error) {
    throw new ExpressionCompileError(source, 'type', error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (!checked.valid) {
    const why = checked.error?.message?.split('\n')[0] ?? 'the expression does not type-check';
    throw new ExpressionCompileError(source, 'type', `${why}. The only variable is \`data\` (the payload).`);
  }
  const type = String(checked.type);
  if (type !== 'bool' && type !== 'dyn') {
    throw new ExpressionCompileError(source, 'not_boolean', `a condition must produce a bool, but this one produces ${type}.`);
  }
  const compiled = makeCompiled(source, parsed, policy.cost, policy.usesRegex, policy.usesSplit);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

function makeCompiled(source: string, parsed: ParseResult, cost: CostNode, usesRegex: boolean, usesSplit: boolean): CompiledExpression {
  return Object.freeze({
    source,
    test(data: unknown): boolean {
      const input = toCelInput(data, source);
      if (usesRegex && input.maxString > EXPRESSION_LIMITS.maxRegexInputLength) {
        throw new ExpressionEvaluationError(source, 'data_too_large', `matches() runs only on strings up to ${EXPRESSION_LIMITS.maxRegexInputLength} characters; this payload has one of ${input.maxString}.`);
      }
      const linear = input.maxCollection + 1 + Math.ceil(input.maxString / 64);
      const loop = input.maxCollection + 1 + (usesSplit ? input.maxString : 0);
      const steps = estimateCost(cost, { linear, loop });
      if (steps > EXPRESSION_LIMITS.maxCost) {
        throw new ExpressionEvaluationError(source, 'budget', `evaluating it on this payload could take about ${steps.toExponential(1)} steps (limit ${EXPRESSION_LIMITS.maxCost}); use a simpler condition or a smaller payload.`);
      }
      let result: unknown;
      try {
        result = parsed({ data: input.value });
      } catch (error) {
        if (error instanceof ParseError) throw new ExpressionEvaluationError(source, 'syntax', error.message.split('\n')[0]!, error);
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        throw new ExpressionEvaluationError(source, 'evaluation', `${message}. Guard optional fields with has(data.field).`, error);
      }
      if (typeof result !== 'boolean') {
        throw new ExpressionEvaluationError(source, 'not_boolean', `it produced ${typeof result === 'bigint' ? 'an int' : typeof result}, not a bool.`);
      }
      return result;
    },
  });
}
