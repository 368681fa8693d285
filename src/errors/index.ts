export { ErrorCode } from './error-codes.js';
export {
  RoutiluxError,
  isRoutiluxError,
  InvalidArgumentError,
  DefinitionError,
  ConfigValidationError,
  ExecutionError,
  SerializationError,
  RegistryError,
} from './routilux-error.js';
export type { RoutiluxErrorOptions } from './routilux-error.js';
