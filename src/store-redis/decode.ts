import { ErrorCode, SLOT_KEY_SEPARATOR, StoreError, checkStoredJob, isRoutiluxError } from '../index.js';
import type { SerializedJobState, StoredJson } from '../index.js';

// Rebuilds a job document from the read script's reply; anything that does not fit the
// layout, is not JSON or is not a job document is CORRUPT_STATE naming the job.

/** The read script's reply for a known job: the head's field/value pairs and each structured field's contents. */
export type ReadReply = readonly [readonly string[], readonly (string | readonly string[])[]];

/** The `CORRUPT_STATE` error for job `jobId` of the Redis store. */
export function corrupt(jobId: string, what: string, cause?: unknown): StoreError {
  return new StoreError(ErrorCode.CORRUPT_STATE, `Job ${jobId} cannot be read from the Redis store: ${what}. The other jobs are unaffected; restore this one or delete its keys.`, {
    details: { jobId, problem: what },
    ...(cause !== undefined ? { cause } : {}),
  });
}

function splitOrd(jobId: string, where: string, value: string): [number, string] {
  const cut = value.indexOf(':');
  const ord = cut > 0 ? Number(value.slice(0, cut)) : Number.NaN;
  if (!Number.isSafeInteger(ord)) throw corrupt(jobId, `${where} has no order prefix`);
  return [ord, value.slice(cut + 1)];
}

function parse(jobId: string, where: string, text: string): StoredJson {
  try {
    return JSON.parse(text) as StoredJson;
  } catch (cause) {
    throw corrupt(jobId, `${where} is not valid JSON`, cause);
  }
}

/** Map contents (flat key/`ord:json` pairs) in insertion order. */
function mapEntries(jobId: string, field: string, flat: readonly string[]): Array<[string, StoredJson]> {
  const rows: Array<[number, string, StoredJson]> = [];
  for (let i = 0; i < flat.length; i += 2) {
    const where = `entry ${JSON.stringify(flat[i])} of ${field}`;
    const [ord, text] = splitOrd(jobId, where, flat[i + 1]!);
    rows.push([ord, flat[i]!, parse(jobId, where, text)]);
  }
  return rows.sort((a, b) => a[0] - b[0]).map(([, k, v]) => [k, v]);
}

function structured(jobId: string, field: string, marker: string, contents: readonly string[]): StoredJson {
  if (marker === 'L') return contents.map((text, i) => parse(jobId, `item ${i} of ${field}`, text));
  const entries = mapEntries(jobId, field, contents);
  if (field === 'pendingTasks') return entries.map(([, v]) => v);
  if (field === 'slotBuffers') {
    return entries.map(([key, data]) => {
      const cut = key.indexOf(SLOT_KEY_SEPARATOR);
      if (cut < 0) throw corrupt(jobId, `its slot buffer key ${JSON.stringify(key)} has no routine/slot separator`);
      return { routineId: key.slice(0, cut), slotName: key.slice(cut + 1), data };
    });
  }
  return Object.fromEntries(entries);
}

/** The job document of a read reply, checked as a job document. */
export function decodeDocument(jobId: string, reply: ReadReply): SerializedJobState {
  const [head, data] = reply;
  const contents = new Map<string, readonly string[]>();
  for (let i = 0; i < data.length; i += 2) contents.set(data[i] as string, data[i + 1] as readonly string[]);
  const fields: Array<[number, string, StoredJson]> = [];
  for (let i = 0; i < head.length; i += 2) {
    const field = head[i]!;
    const [ord, value] = splitOrd(jobId, `field ${field}`, head[i + 1]!);
    const isStructured = value === 'M' || value === 'L';
    fields.push([ord, field, isStructured ? structured(jobId, field, value, contents.get(field) ?? []) : parse(jobId, `field ${field}`, value)]);
  }
  const doc = Object.fromEntries(fields.sort((a, b) => a[0] - b[0]).map(([, f, v]) => [f, v]));
  if (doc['jobId'] !== jobId) throw corrupt(jobId, 'its head is not the document of this job');
  try {
    return checkStoredJob(doc as unknown as SerializedJobState, `job ${jobId}`);
  } catch (error) {
    if (isRoutiluxError(error)) throw corrupt(jobId, error.message, error);
    throw error;
  }
}
