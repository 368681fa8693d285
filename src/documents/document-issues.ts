import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';

/**
 * One problem found in a flow or job document: where (a JSON Pointer, RFC 6901; the root
 * is `''`) and what to fix. YAML and JSON text loaders add the 1-based `line` and
 * `column` (in characters) of the node the path points to.
 */
export interface DocumentIssue {
  /** JSON Pointer of the offending value, or of the object missing a key plus that key. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** 1-based line in the source text (text loaders only). */
  readonly line?: number;
  /** 1-based column in characters in the source text (text loaders only). */
  readonly column?: number;
}

/** @internal escapes one reference token of a JSON Pointer. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** @internal the JSON Pointer of a list of keys / indexes. */
export function pointer(...tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapeToken(t)}`).join('');
}

/** @internal splits a JSON Pointer into its unescaped tokens. */
export function tokensOf(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const MESSAGE_LIMIT = 10;

/** @internal one line per issue, as used in error messages: `/a/b (line 3, column 5): message`. */
export function formatIssue(issue: DocumentIssue): string {
  const where = issue.path === '' ? '(document root)' : issue.path;
  const at = issue.line !== undefined ? ` (line ${issue.line}, column ${issue.column ?? 1})` : '';
  return `${where}${at}: ${issue.message}`;
}

/** @internal the summary message of an error carrying `issues`. */
export function issuesMessage(what: string, issues: readonly DocumentIssue[]): string {
  const shown = issues.slice(0, MESSAGE_LIMIT).map(formatIssue).join('; ');
  const more = issues.length > MESSAGE_LIMIT ? ` (+${issues.length - MESSAGE_LIMIT} more in details.issues)` : '';
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return `${what} has ${count}: ${shown}${more}.`;
}

/** @internal a SerializationError whose details list every issue (and the first one's path). */
export function documentError(code: ErrorCode, what: string, issues: readonly DocumentIssue[], details: Record<string, unknown> = {}): SerializationError {
  return new SerializationError(code, issuesMessage(what, issues), { details: { ...details, path: issues[0]?.path ?? '', issues: issues.map((i) => ({ ...i })) } });
}

/** @internal shorthand for the INVALID_FORMAT case. */
export function invalidDocument(what: string, issues: readonly DocumentIssue[]): SerializationError {
  return documentError(ErrorCode.INVALID_FORMAT, what, issues);
}
