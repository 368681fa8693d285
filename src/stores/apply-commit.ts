import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import type { StoredJson, StoredTask } from '../ports/job-store.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import type { CheckedCommit } from './activation-commit.js';
import { SLOT_KEY_SEPARATOR } from './job-document.js';
import { isJsonObject } from './stored-json.js';

type Doc = Record<string, StoredJson>;

function bad(jobId: string, message: string, path: string): never {
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${jobId}: ${message}`, { details: { jobId, path } });
}

function applyEntries(doc: Doc, jobId: string, field: string, changes: ReadonlyArray<readonly [string, StoredJson]>): void {
  const current = doc[field];
  if (field === 'slotBuffers') {
    const list = current === undefined ? [] : (current as readonly StoredJson[]);
    const map = new Map<string, StoredJson>();
    for (const b of list) {
      const r = b as { routineId: string; slotName: string; data: StoredJson };
      map.set(`${r.routineId}${SLOT_KEY_SEPARATOR}${r.slotName}`, r.data);
    }
    for (const [key, value] of changes) {
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
    doc[field] = [...map].map(([key, data]) => {
      const cut = key.indexOf(SLOT_KEY_SEPARATOR);
      return { routineId: key.slice(0, cut), slotName: key.slice(cut + 1), data };
    });
    return;
  }
  if (current !== undefined && !isJsonObject(current)) bad(jobId, `changes.entries.${field}: the job's ${field} is not a keyed map.`, `changes.entries.${field}`);
  const next: Record<string, StoredJson> = { ...(current ?? {}) };
  for (const [key, value] of changes) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  doc[field] = next;
}

/**
 * The job document after `commit` (a checked commit, see `checkActivationCommit`): `set`
 * fields replaced (`null` removes), `entries` changed key by key (`null` deletes),
 * `append` items added (then `executionHistory` keeps its newest `historyLimit` items),
 * consumed task ids removed from `pendingTasks` and produced tasks appended in order.
 * Pure: `doc` is not changed. A change that does not fit the document (entries on a field
 * that is not a map, append to one that is not a list, a produced task id that is already
 * pending) is `INVALID_ARGUMENT`, so a store that applies it in a transaction changes nothing.
 */
export function applyActivationCommit(doc: SerializedJobState, commit: CheckedCommit): SerializedJobState {
  const jobId = commit.jobId;
  const next: Doc = { ...(doc as unknown as Doc) };
  for (const [field, value] of commit.set) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  for (const [field, changes] of commit.entries) applyEntries(next, jobId, field, changes);
  for (const [field, items] of commit.append) {
    const current = next[field];
    if (current !== undefined && !Array.isArray(current)) bad(jobId, `changes.append.${field}: the job's ${field} is not a list.`, `changes.append.${field}`);
    let list = [...((current as readonly StoredJson[] | undefined) ?? []), ...items];
    if (field === 'executionHistory') {
      const limit = next['historyLimit'] as number;
      if (list.length > limit) list = limit === 0 ? [] : list.slice(list.length - limit);
    }
    next[field] = list;
  }
  const consumed = new Set(commit.consumed);
  const pending = (next['pendingTasks'] as unknown as readonly StoredTask[]).filter((t) => !consumed.has(t.taskId));
  if (commit.produced.length > 0) {
    const ids = new Set(pending.map((t) => t.taskId));
    commit.produced.forEach((t, i) => {
      if (ids.has(t.taskId)) bad(jobId, `produced[${i}]: task ${t.taskId} is already pending (consume it in the same commit to replace it).`, `produced[${i}]`);
    });
  }
  next['pendingTasks'] = [...pending, ...commit.produced] as unknown as StoredJson;
  return next as unknown as SerializedJobState;
}
