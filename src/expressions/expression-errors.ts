import { ErrorCode } from '../errors/error-codes.js';
import { ConfigValidationError, ExecutionError } from '../errors/routilux-error.js';

/** Why an expression was rejected or failed. Stable values, safe to compare. */
export type ExpressionFailure =
  | 'too_long'
  | 'syntax'
  | 'type'
  | 'too_complex'
  | 'forbidden'
  | 'unsafe_regex'
  | 'data_too_large'
  | 'budget'
  | 'evaluation'
  | 'not_boolean';

/**
 * A condition expression was rejected when it was compiled (at `setConfig` / construction),
 * so a bad condition never reaches a running job. Code `INVALID_CONFIG`;
 * `details.reason` says which rule it broke.
 */
export class ExpressionCompileError extends ConfigValidationError {
  constructor(source: string, reason: ExpressionFailure, why: string) {
    super(ErrorCode.INVALID_CONFIG, `Condition ${preview(source)} was rejected (${reason}): ${why}`, {
      details: { expression: source.slice(0, 200), reason },
    });
  }
}

/**
 * A compiled condition could not be evaluated on one payload (missing key, wrong type,
 * payload too large for the evaluation budget, non-boolean result). Code `INVALID_ARGUMENT`;
 * `details.reason` says why.
 */
export class ExpressionEvaluationError extends ExecutionError {
  constructor(source: string, reason: ExpressionFailure, why: string, cause?: unknown) {
    super(ErrorCode.INVALID_ARGUMENT, `Condition ${preview(source)} failed on this payload (${reason}): ${why}`, {
      cause,
      details: { expression: source.slice(0, 200), reason },
    });
  }
}

function preview(source: string): string {
  return JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source);
}
