import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { escapeToken, invalidDocument, type DocumentIssue } from '../../documents/document-issues.js';

/** @internal the validator options of every wire DTO (unknown fields are refused). */
export const DTO_VALIDATOR_OPTIONS = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

function flatten(errors: ValidationError[], prefix: string, out: DocumentIssue[]): void {
  for (const e of errors) {
    const path = `${prefix}/${escapeToken(e.property)}`;
    for (const [rule, text] of Object.entries(e.constraints ?? {})) {
      out.push({ path, message: rule === 'whitelistValidation' ? `unknown key "${e.property}"; remove it` : text.replace(new RegExp(`^${e.property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `), '') });
    }
    if (e.children?.length) flatten(e.children, path, out);
  }
}

/** @internal every problem class-validator finds in `dto`, as issues with JSON Pointer paths. */
export function dtoIssues(dto: object): DocumentIssue[] {
  const out: DocumentIssue[] = [];
  flatten(validateSync(dto, DTO_VALIDATOR_OPTIONS), '', out);
  return out;
}

/**
 * @internal plain → DTO instance, validated; the problems become one INVALID_FORMAT error
 * whose `details.issues` lists each at its JSON Pointer (plus the `extra` issues found by
 * the caller's own checks).
 */
export function toDto<T extends object>(cls: new () => T, plain: unknown, what: string, extra: (dto: T) => DocumentIssue[] = () => []): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw invalidDocument(what, [{ path: '', message: `must be a JSON object; got ${plain === null ? 'null' : Array.isArray(plain) ? 'an array' : typeof plain}` }]);
  }
  const dto = plainToInstance(cls, plain);
  const issues = dtoIssues(dto);
  if (issues.length === 0) issues.push(...extra(dto));
  if (issues.length > 0) throw invalidDocument(what, issues);
  return dto;
}
