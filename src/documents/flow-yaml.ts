import type { DependencyContainer } from 'tsyringe';
import { stringify } from 'yaml';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, isRoutiluxError, SerializationError } from '../errors/routilux-error.js';
import type { SerializedFlow } from '../serialization/flow-serializer.js';
import { issuesMessage, type DocumentIssue } from './document-issues.js';
import { parseDocumentText } from './yaml-text.js';

/** Options of `Flow.fromYAML` and `loadFlowFile`. */
export interface FlowDocumentOptions {
  /** tsyringe container the routine classes are resolved through. @default the global container */
  container?: DependencyContainer;
}

/** @internal builds a flow from a parsed document: `Flow.deserialize` (this module never imports the class). */
export type FlowFromDocument<F> = (document: unknown, options: FlowDocumentOptions) => F;

/**
 * @internal YAML or JSON text → flow: stages 1–2 here (size, syntax), then `build`, the very
 * loader of `Flow.deserialize` (stages 3–7); its issues come back with their line and column.
 */
export function flowFromText<F>(text: unknown, options: FlowDocumentOptions, what: string, build: FlowFromDocument<F>): F {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Flow.fromYAML(text) needs the document as a string (YAML or JSON); got ${text === null ? 'null' : typeof text}.`);
  }
  if (typeof options !== 'object' || options === null || Object.keys(options).some((k) => k !== 'container')) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'Flow document options are { container? }; remove the other keys.');
  }
  const parsed = parseDocumentText(text, what);
  try {
    return build(parsed.value, options);
  } catch (error) {
    const issues = isRoutiluxError(error) ? error.details['issues'] : undefined;
    if (!isRoutiluxError(error) || !Array.isArray(issues)) throw error;
    const located = (issues as DocumentIssue[]).map((i) => parsed.locate(i));
    const first = located[0];
    throw new SerializationError(error.code, issuesMessage(what, located), {
      cause: error,
      details: { ...error.details, issues: located, ...(first?.line !== undefined ? { line: first.line, column: first.column } : {}) },
    });
  }
}

/** @internal a flow's `serialize()` document → YAML text (long-form connections, no aliases). */
export function flowToText(document: SerializedFlow): string {
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}
