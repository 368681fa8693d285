import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { isPlainObject } from '../utils/guards.js';
import { assertNoForbiddenKeys } from '../serialization/json-safety.js';
import type { DocumentIssue } from './document-issues.js';
import { flowSchemaIssues } from './flow-schema.js';

/** @internal the flow document format version this routilux reads and writes. */
export const FLOW_DOCUMENT_VERSION = 1;

/** @internal one connection in the long form, with the document paths of its four endpoints. */
export interface DocumentConnection {
  readonly sourceRoutineId: string;
  readonly sourceEvent: string;
  readonly targetRoutineId: string;
  readonly targetSlot: string;
  readonly paramMapping?: Record<string, string>;
  /** JSON Pointers of the fields as written (the shorthand's `from` / `to` for both halves). */
  readonly paths: { readonly source: string; readonly event: string; readonly target: string; readonly slot: string };
}

/** @internal one routine entry of a checked document. */
export interface DocumentRoutine {
  readonly type: string;
  readonly config: Record<string, unknown>;
  readonly errorHandler?: Record<string, unknown>;
  readonly activationPolicy?: { type: string; config: Record<string, unknown> };
  readonly logic?: string;
}

/** @internal a flow document after stages 3–5 (schema): shorthand expanded, defaults left absent. */
export interface CheckedFlowDocument {
  readonly flowId?: string;
  readonly executionStrategy?: 'sequential' | 'concurrent';
  readonly maxWorkers?: number;
  /** null: no timeout; absent: the Flow default. */
  readonly executionTimeout?: number | null;
  readonly errorHandler?: Record<string, unknown>;
  readonly routines: Readonly<Record<string, DocumentRoutine>>;
  readonly connections: readonly DocumentConnection[];
}

/** @internal splits `routineId.name` at its last dot. */
export function splitEndpoint(text: string): [string, string] {
  const cut = text.lastIndexOf('.');
  return [text.slice(0, cut), text.slice(cut + 1)];
}

function connectionsOf(raw: unknown): DocumentConnection[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((c: Record<string, unknown>, i) => {
    const base = `/connections/${i}`;
    const mapping = c['paramMapping'] !== undefined ? { paramMapping: { ...(c['paramMapping'] as Record<string, string>) } } : {};
    if (typeof c['from'] === 'string') {
      const [sourceRoutineId, sourceEvent] = splitEndpoint(c['from']);
      const [targetRoutineId, targetSlot] = splitEndpoint(c['to'] as string);
      return { sourceRoutineId, sourceEvent, targetRoutineId, targetSlot, ...mapping, paths: { source: `${base}/from`, event: `${base}/from`, target: `${base}/to`, slot: `${base}/to` } };
    }
    return {
      sourceRoutineId: c['sourceRoutineId'] as string,
      sourceEvent: c['sourceEvent'] as string,
      targetRoutineId: c['targetRoutineId'] as string,
      targetSlot: c['targetSlot'] as string,
      ...mapping,
      paths: { source: `${base}/sourceRoutineId`, event: `${base}/sourceEvent`, target: `${base}/targetRoutineId`, slot: `${base}/targetSlot` },
    };
  });
}

/**
 * @internal Stages 3–5 (schema part) of services.md §3 for a parsed flow document:
 * forbidden keys → `FORBIDDEN_KEY`, a future version → `UNSUPPORTED_VERSION`, then every
 * schema issue. Returns the issues (empty when the shape is right) and, when there are
 * none, the document with shorthand connections expanded.
 */
export function checkFlowDocument(data: unknown, what = 'Flow document'): { issues: DocumentIssue[]; doc?: CheckedFlowDocument } {
  assertNoForbiddenKeys(data, what);
  const version = isPlainObject(data) ? data['version'] : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > FLOW_DOCUMENT_VERSION) {
    throw new SerializationError(ErrorCode.UNSUPPORTED_VERSION, `${what} has format version ${version}; this routilux reads version ${FLOW_DOCUMENT_VERSION}. Upgrade routilux, or write the flow with version ${FLOW_DOCUMENT_VERSION}.`, {
      details: { version: String(version), supported: [FLOW_DOCUMENT_VERSION], path: '/version', issues: [{ path: '/version', message: `version ${version} is newer than ${FLOW_DOCUMENT_VERSION}` }] },
    });
  }
  const issues = flowSchemaIssues(data);
  if (issues.length > 0 || !isPlainObject(data)) return { issues };
  const routines: Record<string, DocumentRoutine> = {};
  for (const [id, entry] of Object.entries(data['routines'] as Record<string, Record<string, unknown>>)) {
    routines[id] = { ...(entry as unknown as DocumentRoutine), config: (entry['config'] as Record<string, unknown> | undefined) ?? {} };
  }
  const pick = <K extends keyof CheckedFlowDocument>(key: K): Partial<CheckedFlowDocument> => (data[key] !== undefined ? { [key]: data[key] } : {});
  return {
    issues,
    doc: {
      ...pick('flowId'),
      ...pick('executionStrategy'),
      ...pick('maxWorkers'),
      ...pick('executionTimeout'),
      ...pick('errorHandler'),
      routines,
      connections: connectionsOf(data['connections']),
    },
  };
}
