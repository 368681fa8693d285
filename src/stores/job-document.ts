import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import type { StoredJson, StoredTask } from '../ports/job-store.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import { FINISHED_STATUSES, type JobStatus } from '../state/job-types.js';
import { copyStoredJson, isJsonObject } from './stored-json.js';

/** Top-level fields of a job document that are keyed maps (commit `entries` target them). */
export const MAP_FIELDS: ReadonlySet<string> = new Set(['routineStates', 'sharedData', 'slotBuffers', 'slotQueues', 'lastActivationAt', 'activationPolicies', 'debugData', 'retryCounts']);
/** Top-level fields of a job document that are lists (commit `append` targets them). */
export const LIST_FIELDS: ReadonlySet<string> = new Set(['executionHistory', 'sharedLog', 'outputLog', 'pausePoints', 'deferredEvents']);
/** Fields that identify a job document; no commit may change them. */
export const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['type', 'version', 'jobId', 'flowId']);
/** The separator of a `slotBuffers` entry key: `routineId\u0000slotName`. */
export const SLOT_KEY_SEPARATOR = '\u0000';

const STATUSES: ReadonlySet<string> = new Set(['pending', 'running', 'paused', 'completed', 'failed', 'cancelled']);

/** True for `completed`, `failed` and `cancelled`: such a job never runs again and retention may remove it. */
export function isFinishedStatus(status: string): boolean {
  return FINISHED_STATUSES.has(status as JobStatus);
}

function bad(what: string, message: string, path: string): never {
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what}: ${message}`, { details: { path } });
}

/** Checks one stored task's shape (what `pendingTasks` items and a commit's `produced` tasks must be). */
export function checkStoredTask(task: StoredJson, what: string, path: string): StoredTask {
  if (!isJsonObject(task)) return bad(what, `${path} must be a task object.`, path);
  const t = task as Record<string, StoredJson>;
  if (typeof t['taskId'] !== 'string' || t['taskId'] === '') bad(what, `${path}.taskId must be a non-empty string.`, `${path}.taskId`);
  if (typeof t['routineId'] !== 'string' || typeof t['slotName'] !== 'string') bad(what, `${path} needs string routineId and slotName.`, path);
  if (!isJsonObject(t['data'])) bad(what, `${path}.data must be an object.`, `${path}.data`);
  if (!Number.isInteger(t['attempt']) || (t['attempt'] as number) < 1) bad(what, `${path}.attempt must be an integer >= 1.`, `${path}.attempt`);
  if (typeof t['merged'] !== 'boolean') bad(what, `${path}.merged must be a boolean.`, `${path}.merged`);
  if (typeof t['delayMs'] !== 'number' || (t['delayMs'] as number) < 0) bad(what, `${path}.delayMs must be a number >= 0.`, `${path}.delayMs`);
  return task as unknown as StoredTask;
}

/** Checks a value given for a map field (`slotBuffers` is a list of `{ routineId, slotName, data }` in the document). */
export function checkMapField(field: string, value: StoredJson, what: string): void {
  if (field === 'slotBuffers') {
    if (!Array.isArray(value)) bad(what, '$.slotBuffers must be an array.', '$.slotBuffers');
    (value as readonly StoredJson[]).forEach((b, i) => {
      if (!isJsonObject(b) || typeof b['routineId'] !== 'string' || typeof b['slotName'] !== 'string' || !isJsonObject(b['data'])) {
        bad(what, `$.slotBuffers[${i}] must be { routineId, slotName, data }.`, `$.slotBuffers[${i}]`);
      }
    });
    return;
  }
  if (!isJsonObject(value)) bad(what, `$.${field} must be an object.`, `$.${field}`);
}

/** Checks a value given for a list field. */
export function checkListField(field: string, value: StoredJson, what: string): void {
  if (!Array.isArray(value)) bad(what, `$.${field} must be an array.`, `$.${field}`);
}

/** Checks the `pendingTasks` list: task shapes and distinct task ids. */
export function checkPendingTasks(value: StoredJson, what: string): void {
  if (!Array.isArray(value)) bad(what, '$.pendingTasks must be an array.', '$.pendingTasks');
  const seen = new Set<string>();
  (value as readonly StoredJson[]).forEach((t, i) => {
    const task = checkStoredTask(t, what, `$.pendingTasks[${i}]`);
    if (seen.has(task.taskId)) bad(what, `$.pendingTasks holds task ${task.taskId} twice.`, `$.pendingTasks[${i}].taskId`);
    seen.add(task.taskId);
  });
}

/** Checks the fields every job document has, and the shape of its maps and lists. */
export function checkDocumentShape(doc: Record<string, StoredJson>, what: string): void {
  if (doc['type'] !== 'JobState') bad(what, `not a job document (type is ${JSON.stringify(doc['type']) ?? 'missing'}); pass the output of jobState.serialize().`, '$.type');
  if (!Number.isInteger(doc['version'])) bad(what, '$.version must be an integer.', '$.version');
  if (typeof doc['jobId'] !== 'string' || doc['jobId'] === '') bad(what, '$.jobId must be a non-empty string.', '$.jobId');
  if (typeof doc['flowId'] !== 'string') bad(what, '$.flowId must be a string.', '$.flowId');
  if (typeof doc['status'] !== 'string' || !STATUSES.has(doc['status'])) bad(what, `$.status must be one of ${[...STATUSES].join(', ')}; got ${JSON.stringify(doc['status'])}.`, '$.status');
  for (const f of ['createdAt', 'updatedAt']) if (typeof doc[f] !== 'string' || Number.isNaN(Date.parse(doc[f] as string))) bad(what, `$.${f} must be an ISO date string.`, `$.${f}`);
  if (!Number.isInteger(doc['historyLimit']) || (doc['historyLimit'] as number) < 0) bad(what, '$.historyLimit must be an integer >= 0.', '$.historyLimit');
  checkPendingTasks(doc['pendingTasks'] ?? null, what);
  for (const [field, value] of Object.entries(doc)) {
    if (MAP_FIELDS.has(field)) checkMapField(field, value, what);
    else if (LIST_FIELDS.has(field)) checkListField(field, value, what);
  }
}

/**
 * A checked deep copy of a job document given to a store (`create` / `put`): JSON only, a
 * `JobState` document with an id, a known status, ISO dates, well-formed pending tasks
 * with distinct ids, maps where maps belong and lists where lists belong.
 */
export function checkStoredJob(job: SerializedJobState, what = 'job document'): SerializedJobState {
  const copy = copyStoredJson(job, what);
  if (!isJsonObject(copy)) return bad(what, 'a job document must be an object (the output of jobState.serialize()).', '$');
  checkDocumentShape(copy as Record<string, StoredJson>, what);
  return copy as unknown as SerializedJobState;
}
