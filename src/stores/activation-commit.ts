import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import type { ActivationCommit, CommitOutcome, StoredJson, StoredTask } from '../ports/job-store.js';
import { IDENTITY_FIELDS, LIST_FIELDS, MAP_FIELDS, SLOT_KEY_SEPARATOR, checkListField, checkMapField, checkStoredTask } from './job-document.js';
import { copyStoredJson, isJsonObject } from './stored-json.js';

const OUTCOMES: ReadonlySet<string> = new Set<CommitOutcome>(['completed', 'failed', 'retrying', 'continued', 'skipped']);
const STATUSES: ReadonlySet<string> = new Set(['pending', 'running', 'paused', 'completed', 'failed', 'cancelled']);
/** Fields a store relies on: `set` may replace them but never remove them. */
const REQUIRED_FIELDS: ReadonlySet<string> = new Set(['status', 'createdAt', 'updatedAt', 'historyLimit']);

/** A commit as checked and copied by {@link checkActivationCommit}: plain data the store owns. */
export interface CheckedCommit {
  readonly jobId: string;
  readonly taskId: string | null;
  readonly attempt: number;
  readonly outcome?: CommitOutcome;
  readonly set: ReadonlyArray<readonly [string, StoredJson]>;
  readonly entries: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, StoredJson]>]>;
  readonly append: ReadonlyArray<readonly [string, readonly StoredJson[]]>;
  readonly produced: readonly StoredTask[];
  readonly consumed: readonly string[];
  readonly fence?: number;
}

function bad(jobId: unknown, message: string, path: string): never {
  const id = typeof jobId === 'string' ? jobId : '?';
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${id}: ${message}`, { details: { jobId: id, path } });
}

function fieldsOf(value: StoredJson | undefined, jobId: unknown, path: string): Array<[string, StoredJson]> {
  if (value === undefined) return [];
  if (!isJsonObject(value)) return bad(jobId, `${path} must be an object of fields.`, path);
  return Object.entries(value);
}

function checkSet(field: string, value: StoredJson, jobId: unknown): void {
  const path = `changes.set.${field}`;
  if (IDENTITY_FIELDS.has(field)) bad(jobId, `${path}: a commit cannot change the job's ${field}.`, path);
  if (field === 'pendingTasks') bad(jobId, `${path}: pending tasks change through produced and consumed, not set.`, path);
  if (value === null) {
    if (REQUIRED_FIELDS.has(field)) bad(jobId, `${path}: ${field} cannot be removed.`, path);
    return;
  }
  if (field === 'status' && (typeof value !== 'string' || !STATUSES.has(value))) bad(jobId, `${path} must be one of ${[...STATUSES].join(', ')}.`, path);
  if ((field === 'createdAt' || field === 'updatedAt') && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) bad(jobId, `${path} must be an ISO date string.`, path);
  if (field === 'historyLimit' && (!Number.isInteger(value) || (value as number) < 0)) bad(jobId, `${path} must be an integer >= 0.`, path);
  if (MAP_FIELDS.has(field)) checkMapField(field, value, `Commit for job ${String(jobId)}`);
  if (LIST_FIELDS.has(field)) checkListField(field, value, `Commit for job ${String(jobId)}`);
}

/**
 * Checks an {@link ActivationCommit} before a store applies anything and returns a copy
 * the store owns (`INVALID_ARGUMENT` naming the path otherwise): ids, attempt, outcome,
 * JSON-only changes aimed at fields of the right kind (maps for `entries`, lists for
 * `append`; identity fields and `pendingTasks` are never changed by `set`), well-formed
 * produced tasks with distinct ids, string consumed ids, an integer fence.
 */
export function checkActivationCommit(commit: ActivationCommit): CheckedCommit {
  const c = copyStoredJson(commit, 'Commit');
  if (!isJsonObject(c)) return bad(undefined, 'a commit must be an object.', '$');
  const jobId = c['jobId'];
  if (typeof jobId !== 'string' || jobId === '') bad(jobId, 'jobId must be a non-empty string.', 'jobId');
  const taskId = c['taskId'];
  if (taskId !== null && (typeof taskId !== 'string' || taskId === '')) bad(jobId, 'taskId must be a non-empty string, or null for a job-level change.', 'taskId');
  const attempt = c['attempt'];
  if (!Number.isInteger(attempt) || (attempt as number) < (taskId === null ? 0 : 1)) bad(jobId, `attempt must be an integer >= ${taskId === null ? 0 : 1}.`, 'attempt');
  const outcome = c['outcome'];
  if (outcome !== undefined && (typeof outcome !== 'string' || !OUTCOMES.has(outcome))) bad(jobId, `outcome must be one of ${[...OUTCOMES].join(', ')}.`, 'outcome');
  const fence = c['fence'];
  if (fence !== undefined && (!Number.isInteger(fence) || (fence as number) < 0)) bad(jobId, 'fence must be an integer >= 0.', 'fence');
  const changes = c['changes'];
  if (!isJsonObject(changes)) return bad(jobId, 'changes must be an object ({ set?, entries?, append? }).', 'changes');
  for (const k of Object.keys(changes)) if (k !== 'set' && k !== 'entries' && k !== 'append') bad(jobId, `changes.${k} is not a kind of change (set, entries, append).`, `changes.${k}`);

  const set = fieldsOf(changes['set'], jobId, 'changes.set');
  for (const [field, value] of set) checkSet(field, value, jobId);
  const entries = fieldsOf(changes['entries'], jobId, 'changes.entries').map(([field, map]): [string, Array<[string, StoredJson]>] => {
    const path = `changes.entries.${field}`;
    if (IDENTITY_FIELDS.has(field) || LIST_FIELDS.has(field) || field === 'pendingTasks') bad(jobId, `${path}: ${field} is not a keyed map.`, path);
    const list = fieldsOf(map, jobId, path);
    for (const [key, v] of list) {
      if (field === 'slotBuffers' && !key.includes(SLOT_KEY_SEPARATOR)) bad(jobId, `${path}: a slot buffer key is "routineId\\u0000slotName".`, `${path}.${key}`);
      if (field === 'slotBuffers' && v !== null && !isJsonObject(v)) bad(jobId, `${path}.${key} must be an object or null.`, `${path}.${key}`);
    }
    return [field, list];
  });
  const append = fieldsOf(changes['append'], jobId, 'changes.append').map(([field, items]): [string, StoredJson[]] => {
    const path = `changes.append.${field}`;
    if (IDENTITY_FIELDS.has(field) || MAP_FIELDS.has(field) || field === 'pendingTasks' || REQUIRED_FIELDS.has(field)) bad(jobId, `${path}: ${field} is not a list.`, path);
    if (!Array.isArray(items)) bad(jobId, `${path} must be an array of items to append.`, path);
    return [field, items as StoredJson[]];
  });

  const producedRaw = c['produced'];
  if (!Array.isArray(producedRaw)) return bad(jobId, 'produced must be an array of tasks.', 'produced');
  const seen = new Set<string>();
  const produced = producedRaw.map((t, i) => {
    const task = checkStoredTask(t, `Commit for job ${jobId as string}`, `produced[${i}]`);
    if (seen.has(task.taskId)) bad(jobId, `produced holds task ${task.taskId} twice.`, `produced[${i}]`);
    seen.add(task.taskId);
    return task;
  });
  const consumedRaw = c['consumed'];
  if (!Array.isArray(consumedRaw) || !consumedRaw.every((id) => typeof id === 'string')) return bad(jobId, 'consumed must be an array of task ids.', 'consumed');
  return {
    jobId: jobId as string,
    taskId: taskId as string | null,
    attempt: attempt as number,
    ...(outcome !== undefined ? { outcome: outcome as CommitOutcome } : {}),
    set,
    entries,
    append,
    produced,
    consumed: consumedRaw as string[],
    ...(fence !== undefined ? { fence: fence as number } : {}),
  };
}

/** The idempotency key of a commit: `taskId#attempt`, or `undefined` for a job-level change (never deduplicated). */
export function commitKey(commit: Pick<CheckedCommit, 'taskId' | 'attempt'>): string | undefined {
  return commit.taskId === null ? undefined : `${commit.taskId}#${commit.attempt}`;
}
