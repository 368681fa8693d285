import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { MAX_PAYLOAD_DEPTH_LIMIT, type ResolvedLimits } from '../flow/limits.js';
import { checkData, pointer } from '../utils/json-data.js';

/**
 * Where a JobState document holds payloads (data handlers emitted or sent, which passed
 * only the cheap checks of an emit). Each entry walks the document to `[path, payload]`
 * pairs. Everything else in the document is the library's own structure.
 */
type Doc = Record<string, unknown>;
type Visit = (path: string, value: unknown, set: (v: unknown) => void) => void;

function each(value: unknown, path: string, visit: (path: string, item: unknown, container: Record<string | number, unknown>, key: string | number) => void): void {
  if (Array.isArray(value)) value.forEach((item, i) => visit(pointer(path, i), item, value as unknown[] as Record<number, unknown>, i));
  else if (typeof value === 'object' && value !== null) for (const key of Object.keys(value)) visit(pointer(path, key), (value as Doc)[key], value as Doc, key);
}

function walkPayloads(doc: Doc, visit: Visit): void {
  for (const field of ['executionHistory', 'outputLog', 'pendingTasks', 'deferredEvents', 'slotBuffers']) {
    each(doc[field], `/${field}`, (path, rec) => {
      if (typeof rec === 'object' && rec !== null && !Array.isArray(rec) && Object.prototype.hasOwnProperty.call(rec, 'data')) {
        visit(pointer(path, 'data'), (rec as Doc)['data'], (v) => ((rec as Doc)['data'] = v));
      }
    });
  }
  // slotQueues: routineId → slot → payload[]
  each(doc['slotQueues'], '/slotQueues', (rpath, slots) =>
    each(slots, rpath, (spath, queue) => each(queue, spath, (path, item, list, i) => visit(path, item, (v) => (list[i] = v)))),
  );
  // debugData: routineId → capture[] → slot → payload[]
  each(doc['debugData'], '/debugData', (rpath, captures) =>
    each(captures, rpath, (cpath, capture) => each(capture, cpath, (spath, queue) => each(queue, spath, (path, item, list, i) => visit(path, item, (v) => (list[i] = v))))),
  );
}

/**
 * @internal Checks every payload of a document being written against the job's limits:
 * size (PAYLOAD_TOO_LARGE), depth (DEPTH_EXCEEDED), cycles (INVALID_FORMAT), each with
 * `details.path` into the document. Runs before the whole document is checked as JSON.
 */
export function checkStoredPayloads(doc: Doc, limits: ResolvedLimits, what: string): void {
  walkPayloads(doc, (path, value) => checkData(value, `${what} ${path}`, { limits, mode: 'stored', path }));
  for (const key of Object.keys((doc['sharedData'] as Doc | undefined) ?? {})) {
    const path = pointer('/sharedData', key);
    checkData((doc['sharedData'] as Doc)[key], `${what} ${path}`, { limits, mode: 'stored', path });
  }
}

/**
 * @internal A copy of `doc` whose payloads are replaced by `{}`, for the forbidden-key
 * check and the DTO validation of the document's own structure: a payload may hold
 * `__proto__` as a data key, which only {@link restorePayloads} copies (safely) into the
 * loaded job.
 */
export function withoutPayloads(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const copy = structuredCopy(doc as Doc);
  walkPayloads(copy, (_path, _value, set) => set({}));
  return copy;
}

/** Copies the containers payloads sit in (not the payloads), so replacing them leaves `doc` alone. */
function structuredCopy(doc: Doc): Doc {
  const out: Doc = { ...doc };
  for (const field of ['executionHistory', 'outputLog', 'pendingTasks', 'deferredEvents', 'slotBuffers']) {
    const list = doc[field];
    if (Array.isArray(list)) out[field] = list.map((r: unknown) => (typeof r === 'object' && r !== null && !Array.isArray(r) ? { ...(r as Doc) } : r));
  }
  const copyTree = (v: unknown, levels: number): unknown => {
    if (levels === 0 || typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => copyTree(x, levels - 1));
    const o: Doc = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: copyTree((v as Doc)[k], levels - 1), enumerable: true, writable: true, configurable: true });
    return o;
  };
  if ('slotQueues' in doc) out['slotQueues'] = copyTree(doc['slotQueues'], 3);
  if ('debugData' in doc) out['debugData'] = copyTree(doc['debugData'], 4);
  return out;
}

/**
 * @internal A deep copy of a payload read from a document, every key an own data
 * property (`__proto__` included), so loading never touches a prototype. Nesting past the
 * deepest limit a job can have is INVALID_FORMAT.
 */
export function restoreData(value: unknown, path: string, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_PAYLOAD_DEPTH_LIMIT) {
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `JobState document: ${path} is nested deeper than ${MAX_PAYLOAD_DEPTH_LIMIT} levels.`, { details: { path } });
  }
  if (Array.isArray(value)) return value.map((v, i) => restoreData(v, pointer(path, i), depth + 1));
  const out: Doc = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: restoreData((value as Doc)[key], pointer(path, key), depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** @internal restores, in place on the validated `doc`, every payload from the raw document it came from. */
export function restorePayloads(raw: Doc, target: Doc): void {
  const found = new Map<string, unknown>();
  walkPayloads(raw, (path, value) => found.set(path, value));
  walkPayloads(target, (path, _value, set) => {
    if (found.has(path)) set(restoreData(found.get(path), path));
  });
}
