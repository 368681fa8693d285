import { ErrorCode, FunctionRegistry, RegistryError } from '../../index.js';

/**
 * @internal The registered name of a function given in code. Configuration holds only
 * JSON, so a function is stored by its FunctionRegistry name; an unregistered function
 * → `UNSERIALIZABLE_FUNCTION` with the fix. Non-functions are returned unchanged.
 */
export function functionRef(value: unknown, where: string): unknown {
  if (typeof value !== 'function') return value;
  const name = FunctionRegistry.nameOf(value as (...args: never[]) => unknown);
  if (name === undefined) {
    throw new RegistryError(ErrorCode.UNSERIALIZABLE_FUNCTION, `${where}: register the function first with FunctionRegistry.register('my.name', fn) and pass fn or its name; configuration stores functions by registered name so the flow can be saved and loaded.`, {
      details: { where },
    });
  }
  return name;
}
