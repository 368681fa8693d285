export { compileExpression, ExpressionCompileError, ExpressionEvaluationError, EXPRESSION_LIMITS } from '../../index.js';
export type { CompiledExpression, ExpressionFailure } from '../../index.js';
export { compileCondition, normalizeCondition } from './condition.js';
export type { CompiledCondition, ConditionFunction, ConditionInput, ConditionResult, ConditionSpec } from './condition.js';
