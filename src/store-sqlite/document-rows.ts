import { ErrorCode, InvalidArgumentError, LIST_FIELDS, MAP_FIELDS, SLOT_KEY_SEPARATOR, StoreError, isJsonObject } from '../index.js';
import type { CheckedCommit, SerializedJobState, StoredJson, StoredTask } from '../index.js';
import { checksum } from './checksum.js';
import type { HeadRow, Statements, ValueRow } from './statements.js';

// A job is stored as its head (the document without its maps, lists and pending tasks,
// which hold `null` as a placeholder) plus one row per map entry, list item and pending
// task, so a commit writes only what it changed.

type Head = Record<string, StoredJson>;

/** What a write leaves in the job's row besides the rows it changed. */
export interface HeadState {
  head: Head;
  nextPos: number;
  nextOrd: number;
}

function isRowField(field: string): boolean {
  return field === 'pendingTasks' || MAP_FIELDS.has(field) || LIST_FIELDS.has(field);
}

function text(value: StoredJson): [string, number] {
  const s = JSON.stringify(value);
  return [s, checksum(s)];
}

function mapEntries(field: string, value: StoredJson): Array<[string, StoredJson]> {
  if (field !== 'slotBuffers') return Object.entries(value as Record<string, StoredJson>);
  return (value as ReadonlyArray<{ routineId: string; slotName: string; data: StoredJson }>).map((b) => [`${b.routineId}${SLOT_KEY_SEPARATOR}${b.slotName}`, b.data]);
}

function writeField(st: Statements, jobId: string, state: HeadState, field: string, value: StoredJson): void {
  if (field === 'pendingTasks') {
    for (const t of value as unknown as readonly StoredTask[]) insertTask(st, jobId, state, t, 0);
  } else if (MAP_FIELDS.has(field)) {
    for (const [key, v] of mapEntries(field, value)) st.upsertMap.run(jobId, field, key, state.nextOrd++, ...text(v));
  } else {
    (value as readonly StoredJson[]).forEach((item, i) => st.insertList.run(jobId, field, i, ...text(item)));
  }
}

function insertTask(st: Statements, jobId: string, state: HeadState, t: StoredTask, index: number): void {
  try {
    st.insertTask.run(jobId, t.taskId, state.nextPos++, ...text(t as unknown as StoredJson));
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${jobId}: produced[${index}]: task ${t.taskId} is already pending (consume it in the same commit to replace it).`, {
      details: { jobId, path: `produced[${index}]` },
    });
  }
}

function clearField(st: Statements, jobId: string, field: string): void {
  if (MAP_FIELDS.has(field)) st.deleteMapField.run(jobId, field);
  else st.deleteListField.run(jobId, field);
}

/** Writes a whole (checked) document's rows; the caller writes the returned head. */
export function writeDocument(st: Statements, doc: SerializedJobState): HeadState {
  const state: HeadState = { head: {}, nextPos: 0, nextOrd: 0 };
  for (const [field, value] of Object.entries(doc as unknown as Head)) {
    if (isRowField(field)) {
      state.head[field] = null;
      writeField(st, doc.jobId, state, field, value);
    } else state.head[field] = value;
  }
  return state;
}

function bad(jobId: string, message: string, path: string): never {
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${jobId}: ${message}`, { details: { jobId, path } });
}

/**
 * Applies a checked commit to a job's rows and head, with the same result as
 * `applyActivationCommit` on the whole document. Runs inside the caller's transaction:
 * a change that does not fit throws and the transaction leaves nothing behind.
 */
export function applyCommitRows(st: Statements, commit: CheckedCommit, state: HeadState): void {
  const { jobId } = commit;
  const head = state.head;
  for (const [field, value] of commit.set) {
    if (isRowField(field)) clearField(st, jobId, field);
    if (value === null) delete head[field];
    else if (isRowField(field)) {
      head[field] = null;
      writeField(st, jobId, state, field, value);
    } else head[field] = value;
  }
  for (const [field, changes] of commit.entries) {
    if (MAP_FIELDS.has(field)) {
      head[field] = null;
      for (const [key, value] of changes) {
        if (value === null) st.deleteMapKey.run(jobId, field, key);
        else st.upsertMap.run(jobId, field, key, state.nextOrd++, ...text(value));
      }
      continue;
    }
    const current = head[field];
    if (current !== undefined && !isJsonObject(current)) bad(jobId, `changes.entries.${field}: the job's ${field} is not a keyed map.`, `changes.entries.${field}`);
    const next: Record<string, StoredJson> = { ...(current ?? {}) };
    for (const [key, value] of changes) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    head[field] = next;
  }
  for (const [field, items] of commit.append) {
    if (!LIST_FIELDS.has(field)) {
      const current = head[field];
      if (current !== undefined && !Array.isArray(current)) bad(jobId, `changes.append.${field}: the job's ${field} is not a list.`, `changes.append.${field}`);
      head[field] = [...((current as readonly StoredJson[] | undefined) ?? []), ...items];
      continue;
    }
    head[field] = null;
    const max = st.maxListIdx.get(jobId, field) as number | null;
    let idx = max === null ? 0 : max + 1;
    for (const item of items) st.insertList.run(jobId, field, idx++, ...text(item));
    if (field === 'executionHistory') st.trimList.run(jobId, field, idx - 1 - (head['historyLimit'] as number));
  }
  for (const id of commit.consumed) st.deleteTask.run(jobId, id);
  commit.produced.forEach((t, i) => insertTask(st, jobId, state, t, i));
}

/** The `CORRUPT_STATE` error for job `jobId`. */
export function corrupt(jobId: string, what: string, cause?: unknown): StoreError {
  return new StoreError(ErrorCode.CORRUPT_STATE, `Job ${jobId} cannot be read from the SQLite store: ${what}. The other jobs are unaffected; restore this one from a backup or delete it.`, {
    details: { jobId, problem: what },
    ...(cause !== undefined ? { cause } : {}),
  });
}

function parseChecked(jobId: string, where: string, value: string, crc: number): StoredJson {
  if (checksum(value) !== crc) throw corrupt(jobId, `the checksum of ${where} does not match its bytes (a torn or altered row)`);
  try {
    return JSON.parse(value) as StoredJson;
  } catch (cause) {
    throw corrupt(jobId, `${where} is not valid JSON`, cause);
  }
}

/** The job head of a row, checked. */
export function readHead(jobId: string, row: Pick<HeadRow, 'head' | 'crc'>): Head {
  const head = parseChecked(jobId, 'its head row', row.head, row.crc);
  if (!isJsonObject(head)) throw corrupt(jobId, 'its head row is not an object');
  return { ...head };
}

/** Rebuilds the whole document from the head and its rows; any inconsistency is `CORRUPT_STATE` naming the job. */
export function readDocument(jobId: string, head: Head, rows: Iterable<ValueRow>): SerializedJobState {
  const maps = new Map<string, Array<[string, StoredJson]>>();
  const lists = new Map<string, StoredJson[]>();
  for (const row of rows) {
    if (head[row.field] !== null) throw corrupt(jobId, `it has rows for ${row.field}, which its head does not list`);
    const value = parseChecked(jobId, `a row of ${row.field}`, row.value, row.crc);
    if (MAP_FIELDS.has(row.field)) {
      const list = maps.get(row.field) ?? [];
      list.push([row.key, value]);
      maps.set(row.field, list);
    } else {
      const list = lists.get(row.field) ?? [];
      list.push(value);
      lists.set(row.field, list);
    }
  }
  const doc: Head = {};
  for (const [field, value] of Object.entries(head)) {
    if (value !== null || !isRowField(field)) {
      doc[field] = value;
      continue;
    }
    if (field === 'slotBuffers') {
      doc[field] = (maps.get(field) ?? []).map(([key, data]) => {
        const cut = key.indexOf(SLOT_KEY_SEPARATOR);
        if (cut < 0) throw corrupt(jobId, `its slot buffer key ${JSON.stringify(key)} has no routine/slot separator`);
        return { routineId: key.slice(0, cut), slotName: key.slice(cut + 1), data };
      });
    } else if (MAP_FIELDS.has(field)) doc[field] = Object.fromEntries(maps.get(field) ?? []);
    else doc[field] = lists.get(field) ?? [];
  }
  if (doc['jobId'] !== jobId || doc['type'] !== 'JobState') throw corrupt(jobId, 'its head is not the document of this job');
  return doc as unknown as SerializedJobState;
}
