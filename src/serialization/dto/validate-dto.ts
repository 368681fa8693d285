import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ErrorCode } from '../../errors/error-codes.js';
import { SerializationError } from '../../errors/routilux-error.js';

/** @internal the validator options of every wire DTO (unknown fields are refused). */
export const DTO_VALIDATOR_OPTIONS = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

function flatten(errors: ValidationError[], prefix: string, out: string[]): void {
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`;
    if (e.constraints) out.push(`${path}: ${Object.values(e.constraints).join('; ')}`);
    if (e.children?.length) flatten(e.children, path, out);
  }
}

/** @internal plain → DTO instance, validated; problems become one INVALID_FORMAT error listing JSON paths. */
export function toDto<T extends object>(cls: new () => T, plain: unknown, what: string): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `${what} must be a JSON object; got ${plain === null ? 'null' : Array.isArray(plain) ? 'an array' : typeof plain}.`);
  }
  const dto = plainToInstance(cls, plain);
  const errors = validateSync(dto, DTO_VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    const problems: string[] = [];
    flatten(errors, '$', problems);
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `${what} is malformed: ${problems.slice(0, 10).join(' | ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}.`, {
      details: { problems },
    });
  }
  return dto;
}
