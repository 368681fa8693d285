import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { isName } from '../utils/guards.js';
import { pointer } from '../utils/json-data.js';

type Doc = Record<string, unknown>;

function bad(path: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : typeof value;
  throw new SerializationError(
    ErrorCode.INVALID_FORMAT,
    `JobState document: ${path} is ${shown}, not an id (1-128 letters, digits, "_", ".", ":" or "-", not starting with "." ":" or "-"); the document is damaged or was not written by routilux.`,
    { details: { path } },
  );
}

function id(value: unknown, path: string): void {
  if (value !== undefined && !isName(value)) bad(path, value);
}

function records(value: unknown, path: string, fields: readonly string[]): void {
  if (!Array.isArray(value)) return;
  value.forEach((rec: unknown, i) => {
    if (typeof rec !== 'object' || rec === null) return;
    for (const f of fields) id((rec as Doc)[f], pointer(pointer(path, i), f));
  });
}

function keys(value: unknown, path: string, nested: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    const p = pointer(path, key);
    if (!isName(key)) bad(p, key);
    if (nested > 0) keys((value as Doc)[key], p, nested - 1);
  }
}

/**
 * @internal Every id a JobState document carries (job, flow, routine ids, slot names)
 * follows the library's name pattern; a bad one is INVALID_FORMAT with `details.path`.
 * Shapes are left to the DTO check: only values present are looked at.
 */
export function checkDocumentIds(doc: unknown): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return;
  const d = doc as Doc;
  id(d['jobId'], '/jobId');
  id(d['flowId'], '/flowId');
  id(d['currentRoutineId'], '/currentRoutineId');
  keys(d['routineStates'], '/routineStates', 0);
  records(d['executionHistory'], '/executionHistory', ['routineId']);
  records(d['outputLog'], '/outputLog', ['jobId', 'routineId']);
  records(d['pendingTasks'], '/pendingTasks', ['routineId', 'slotName']);
  records(d['deferredEvents'], '/deferredEvents', ['routineId', 'eventName']);
  records(d['slotBuffers'], '/slotBuffers', ['routineId', 'slotName']);
  keys(d['slotQueues'], '/slotQueues', 1);
  keys(d['lastActivationAt'], '/lastActivationAt', 0);
  keys(d['activationPolicies'], '/activationPolicies', 0);
  if (typeof d['error'] === 'object' && d['error'] !== null) id((d['error'] as Doc)['routineId'], '/error/routineId');
}
