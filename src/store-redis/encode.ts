import { SLOT_KEY_SEPARATOR, isJsonObject } from '../index.js';
import type { CheckedCommit, SerializedJobState, StoredJson, StoredTask } from '../index.js';
import { createdKey, updatedKey } from './keys.js';

// Turns documents and commits into the flat argument lists of the Lua scripts. Every
// value travels as its JSON text, which Lua stores without decoding it.

/** How a top-level field is stored: a keyed map, a list, or a scalar JSON value. */
function fieldOps(field: string, value: StoredJson): string[] {
  if (field === 'pendingTasks') {
    const tasks = value as unknown as readonly StoredTask[];
    return [field, 'm', String(tasks.length), ...tasks.flatMap((t) => [t.taskId, JSON.stringify(t)])];
  }
  if (field === 'slotBuffers' && Array.isArray(value)) {
    const buffers = value as ReadonlyArray<{ routineId: string; slotName: string; data: StoredJson }>;
    return [field, 'm', String(buffers.length), ...buffers.flatMap((b) => [`${b.routineId}${SLOT_KEY_SEPARATOR}${b.slotName}`, JSON.stringify(b.data)])];
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    return [field, 'm', String(entries.length), ...entries.flatMap(([k, v]) => [k, JSON.stringify(v)])];
  }
  if (Array.isArray(value)) return [field, 'l', String(value.length), ...value.map((v) => JSON.stringify(v))];
  return [field, 'v', JSON.stringify(value)];
}

/** The summary arguments of the document script: id, flow ('' keep), flowId, status, createdAt, its key, updatedAt, its key. */
export function summaryArgs(doc: SerializedJobState, flow: string | undefined): string[] {
  return [doc.jobId, flow ?? '', doc.flowId, doc.status, doc.createdAt, createdKey(doc.createdAt), doc.updatedAt, updatedKey(doc.updatedAt)];
}

/** The field ops of a whole (checked) document: a count, then one op per field. */
export function documentArgs(doc: SerializedJobState): string[] {
  const fields = Object.entries(doc as unknown as Record<string, StoredJson>);
  return [String(fields.length), ...fields.flatMap(([f, v]) => fieldOps(f, v))];
}

/** The arguments of the commit script after root: fence, commit key, summary changes, sets, entries, appends, consumed, produced. */
export function commitArgs(commit: CheckedCommit, key: string | undefined): string[] {
  const set = new Map(commit.set);
  const text = (field: string): string => {
    const v = set.get(field);
    return typeof v === 'string' ? v : '';
  };
  const createdAt = text('createdAt');
  const updatedAt = text('updatedAt');
  const args = [
    commit.fence === undefined ? '' : String(commit.fence),
    key ?? '',
    text('status'),
    createdAt,
    createdAt === '' ? '' : createdKey(createdAt),
    updatedAt,
    updatedAt === '' ? '' : updatedKey(updatedAt),
    String(commit.set.length),
  ];
  for (const [field, value] of commit.set) {
    if (value === null) args.push(field, 'x');
    else args.push(...fieldOps(field, value));
  }
  args.push(String(commit.entries.length));
  for (const [field, changes] of commit.entries) {
    args.push(field, String(changes.length));
    for (const [k, v] of changes) args.push(k, v === null ? '' : JSON.stringify(v));
  }
  args.push(String(commit.append.length));
  for (const [field, items] of commit.append) args.push(field, String(items.length), ...items.map((v) => JSON.stringify(v)));
  args.push(String(commit.consumed.length), ...commit.consumed);
  args.push(String(commit.produced.length));
  for (const t of commit.produced) args.push(t.taskId, JSON.stringify(t));
  return args;
}
