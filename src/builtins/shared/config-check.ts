import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * @internal A class-validator property decorator from a function that returns what is
 * wrong with a value (or undefined when it is fine). The returned text becomes the
 * INVALID_CONFIG message, so it should say how to fix the value.
 */
export function Check(problem: (value: unknown, object: Record<string, unknown>) => string | undefined): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'routiluxCheck',
      target: target.constructor,
      propertyName: String(propertyKey),
      validator: {
        validate: (value: unknown, args: ValidationArguments) => problem(value, args.object as Record<string, unknown>) === undefined,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? String(propertyKey)} ${problem(args?.value, (args?.object ?? {}) as Record<string, unknown>) ?? 'is invalid'}`,
      },
    });
  };
}

/** @internal true for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
