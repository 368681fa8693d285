import { plainToInstance } from 'class-transformer';

/**
 * @internal A plain JSON object as an instance of a class-validator class, nested objects
 * included: properties marked `@Type(() => Inner)` become `Inner` instances, so
 * `@ValidateNested()` validates them (with `forbidUnknownValues`, a nested plain object
 * would be refused). The one place outside serialization that needs class-transformer
 * (configuration validation) calls this.
 */
export function toClassInstance<T extends object>(cls: new () => T, plain: Record<string, unknown>): T {
  return plainToInstance(cls, plain);
}
