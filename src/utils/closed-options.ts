import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { describe } from './guards.js';

/** Keys of `options` that are set (a key whose value is `undefined` counts as absent). */
function unknownKey(options: object, known: readonly string[]): string | undefined {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] !== undefined && !known.includes(key)) return key;
  }
  return undefined;
}

/**
 * @internal Options objects are closed: `options` must be an object, and every key set in
 * it must be one of `known`; otherwise `INVALID_ARGUMENT` naming the key and the known ones.
 * `undefined` (the whole object) is accepted as "no options".
 */
export function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} options must be an object such as { ${known[0] ?? ''}: … }; got ${describe(options)}.`, {
      details: { where },
    });
  }
  const key = unknownKey(options, known);
  if (key !== undefined) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Unknown ${where} option "${key}"; known options: ${known.join(', ') || '(none)'}. Check the spelling.`, {
      details: { where, option: key, known: [...known] },
    });
  }
}

/**
 * @internal The same rule for decorator options, which are checked when the class is
 * defined: a bad options object or an unknown key is `INVALID_DEFINITION`.
 */
export function checkDecoratorOptions(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `${where} options must be an object such as { ${known[0] ?? ''}: … }; got ${describe(options)}.`, {
      details: { where },
    });
  }
  const key = unknownKey(options, known);
  if (key !== undefined) {
    throw new DefinitionError(ErrorCode.INVALID_DEFINITION, `Unknown ${where} option "${key}"; known options: ${known.join(', ') || '(none)'}. Check the spelling.`, {
      details: { where, option: key, known: [...known] },
    });
  }
}
