// The sandboxed CEL expressions of the engine (breakpoint conditions) and of the built-ins
// (conditions of Filter and ConditionalRouter). The CEL library is imported only here.
export { compileExpression } from './cel-sandbox.js';
export type { CompiledExpression } from './cel-sandbox.js';
export { ExpressionCompileError, ExpressionEvaluationError } from './expression-errors.js';
export type { ExpressionFailure } from './expression-errors.js';
export { EXPRESSION_LIMITS } from './expression-limits.js';
export { regexProblem } from './regex-guard.js';
