import { ErrorCode, InvalidArgumentError } from '../index.js';

/** Checks that `options` is an object with only `allowed` keys. */
export function checkOptionKeys(options: unknown, allowed: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} needs an options object { ${allowed.join(', ')} }.`);
  }
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: unknown option(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}.`, { details: { unknown } });
  }
}

/** Checks an integer option in `1..max`. */
export function checkPositiveInteger(value: unknown, what: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what} must be an integer from 1 to ${max}; got ${String(value)}.`);
  }
  return value;
}
