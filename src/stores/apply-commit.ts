// Applying an activation commit to a stored job document: the semantics every adapter
// implements (an adapter that keeps one JSON value per job can call this directly).
import type { ActivationCommit, StoredJson, StoredTask } from '../ports/job-store.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';

/** Top-level fields that are optional in a job document: `null` in `set` removes them. */
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['currentRoutineId', 'error', 'cancelReason']);

type Doc = Record<string, unknown>;

function slotBufferKey(b: { routineId: string; slotName: string }): string {
  return `${b.routineId}\u0000${b.slotName}`;
}

/**
 * Returns `document` with `commit` applied (a new object; `document` is not changed):
 * `set` replaces top-level fields, `entries` changes keyed maps entry by entry (`null`
 * deletes; `slotBuffers` is keyed `routineId\u0000slotName`), `append` appends to lists
 * (`executionHistory` then keeps its newest `historyLimit` items); then the `consumed` task
 * ids leave `pendingTasks` and the `produced` tasks join it (a task id already there is
 * replaced, as a retry replaces its failed attempt).
 */
export function applyActivationCommit(document: SerializedJobState, commit: ActivationCommit): SerializedJobState {
  const doc: Doc = { ...(document as unknown as Doc) };
  const { set, entries, append } = commit.changes;
  if (set !== undefined) {
    for (const [field, value] of Object.entries(set)) {
      if (value === null && OPTIONAL_FIELDS.has(field)) delete doc[field];
      else doc[field] = value;
    }
  }
  if (entries !== undefined) {
    for (const [field, changed] of Object.entries(entries)) {
      if (field === 'slotBuffers') {
        const list = [...((doc['slotBuffers'] as SerializedJobState['slotBuffers'] | undefined) ?? [])];
        for (const [key, value] of Object.entries(changed)) {
          const at = list.findIndex((b) => slotBufferKey(b) === key);
          if (value === null) {
            if (at >= 0) list.splice(at, 1);
            continue;
          }
          const cut = key.indexOf('\u0000');
          const entry = { routineId: key.slice(0, cut), slotName: key.slice(cut + 1), data: value as Record<string, unknown> };
          if (at >= 0) list[at] = entry;
          else list.push(entry);
        }
        doc['slotBuffers'] = list;
        continue;
      }
      const map: Record<string, StoredJson> = { ...((doc[field] as Record<string, StoredJson> | undefined) ?? {}) };
      for (const [key, value] of Object.entries(changed)) {
        if (value === null) delete map[key];
        else map[key] = value;
      }
      doc[field] = map;
    }
  }
  if (append !== undefined) {
    for (const [field, items] of Object.entries(append)) doc[field] = [...((doc[field] as StoredJson[] | undefined) ?? []), ...items];
    const history = doc['executionHistory'] as StoredJson[] | undefined;
    const limit = doc['historyLimit'] as number;
    if (history !== undefined && history.length > limit) doc['executionHistory'] = history.slice(history.length - limit);
  }
  if (commit.consumed.length > 0 || commit.produced.length > 0) {
    const consumed = new Set(commit.consumed);
    const pending: StoredTask[] = ((doc['pendingTasks'] as StoredTask[] | undefined) ?? []).filter((t) => !consumed.has(t.taskId));
    for (const task of commit.produced) {
      const at = pending.findIndex((t) => t.taskId === task.taskId);
      if (at >= 0) pending[at] = task;
      else pending.push(task);
    }
    doc['pendingTasks'] = pending;
  }
  return doc as unknown as SerializedJobState;
}
