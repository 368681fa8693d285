export { compileExpression } from './cel-sandbox.js';
export type { CompiledExpression } from './cel-sandbox.js';
export { compileCondition, normalizeCondition } from './condition.js';
export type { CompiledCondition, ConditionFunction, ConditionInput, ConditionResult, ConditionSpec } from './condition.js';
export { ExpressionCompileError, ExpressionEvaluationError } from './expression-errors.js';
export type { ExpressionFailure } from './expression-errors.js';
export { EXPRESSION_LIMITS } from './expression-limits.js';
