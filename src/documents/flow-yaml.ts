import type { DependencyContainer } from 'tsyringe';
import { stringify } from 'yaml';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, isRoutiluxError, SerializationError } from '../errors/routilux-error.js';
import type { Flow } from '../flow/flow.js';
import { deserializeFlow, serializeFlow } from '../serialization/flow-serializer.js';
import { issuesMessage, type DocumentIssue } from './document-issues.js';
import { parseDocumentText } from './yaml-text.js';

/** Options of `Flow.fromYAML` and `loadFlowFile`. */
export interface FlowDocumentOptions {
  /** tsyringe container the routine classes are resolved through. @default the global container */
  container?: DependencyContainer;
}

/**
 * @internal YAML or JSON text → Flow: stages 1–2 here (size, syntax), then the very loader of
 * `Flow.deserialize` (stages 3–7); its issues come back with their line and column.
 */
export function flowFromText(text: unknown, options: FlowDocumentOptions = {}, what = 'Flow document'): Flow {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Flow.fromYAML(text) needs the document as a string (YAML or JSON); got ${text === null ? 'null' : typeof text}.`);
  }
  if (typeof options !== 'object' || options === null || Object.keys(options).some((k) => k !== 'container')) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'Flow document options are { container? }; remove the other keys.');
  }
  const parsed = parseDocumentText(text, what);
  try {
    return deserializeFlow(parsed.value, options);
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

/** @internal Flow → YAML text of its `serialize()` document (long-form connections, no aliases). */
export function flowToText(flow: Flow): string {
  return stringify(serializeFlow(flow), { aliasDuplicateObjects: false, lineWidth: 0 });
}
