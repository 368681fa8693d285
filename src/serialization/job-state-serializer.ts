import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { activationPolicyFromJSON } from '../policies/activation-policy.js';
import { ExecutionTracker } from '../state/execution-tracker.js';
import { HistoryBuffer } from '../state/history-buffer.js';
import { JobState } from '../state/job-state.js';
import type { JobStatus, PendingTask, RoutineStateRecord, SharedLogEntry } from '../state/job-types.js';
import { JobStateDto } from './dto/job-state.dto.js';
import { toDto } from './dto/validate-dto.js';
import { checkDocumentIds } from './job-ids.js';
import { checkStoredPayloads, restoreData, restorePayloads, withoutPayloads } from './job-payloads.js';
import { assertJsonSafe, assertNoForbiddenKeys, parseJson } from './json-safety.js';
import { escapeToken, invalidDocument, type DocumentIssue } from '../documents/document-issues.js';
import { isRoutiluxError } from '../errors/routilux-error.js';
import { isPlainObject } from '../utils/guards.js';

/** Current job-state format version. */
export const JOB_STATE_FORMAT_VERSION = 1;

/** The JSON-safe form of a JobState (`jobState.serialize()`); see docs/persistence.md. */
export type SerializedJobState = { [K in keyof JobStateDto]: JobStateDto[K] };

/** @internal what a live run contributes to a snapshot. */
export interface SnapshotSource {
  snapshotPending(): PendingTask[];
}

function iso(d: Date): string {
  return d.toISOString();
}

/** @internal JobState → plain JSON-safe object. A running job is captured as a consistent snapshot. */
export function serializeJobState(state: JobState): SerializedJobState {
  const run = state._run as (SnapshotSource & object) | undefined;
  const live = state._status === 'running' && run !== undefined && typeof (run as Partial<SnapshotSource>).snapshotPending === 'function';
  const pending = live ? run.snapshotPending() : state._pendingTasks;
  const plain: SerializedJobState = {
    type: 'JobState' as const,
    version: JOB_STATE_FORMAT_VERSION,
    jobId: state.jobId,
    flowId: state.flowId,
    status: state._status,
    createdAt: iso(state.createdAt),
    updatedAt: iso(state.updatedAt),
    ...(state._currentRoutineId !== undefined ? { currentRoutineId: state._currentRoutineId } : {}),
    routineStates: state._routineStates,
    historyLimit: state._history.capacity,
    historyDropped: state._history.dropped,
    executionHistory: state._history.toArray().map((r) => ({ routineId: r.routineId, eventName: r.eventName, data: r.data, timestamp: iso(r.timestamp) })),
    sharedData: state._sharedData,
    sharedLog: state._sharedLog,
    outputLog: state._outputLog.map((o) => ({ jobId: o.jobId, routineId: o.routineId, outputType: o.outputType, data: o.data, timestamp: iso(o.timestamp) })),
    pendingTasks: pending.map((p) => ({ ...p })),
    pausePoints: state._pausePoints.map((p) => ({ timestamp: iso(p.timestamp), reason: p.reason, checkpoint: p.checkpoint, pendingTaskCount: p.pendingTaskCount })),
    deferredEvents: state._deferredEvents.map((d) => ({ ...d })),
    ...(state._error !== undefined ? { error: { ...state._error } } : {}),
    ...(state._cancelReason !== undefined ? { cancelReason: state._cancelReason } : {}),
    slotBuffers: [...state._slotBuffers].map(([key, data]) => {
      const cut = key.indexOf('\u0000');
      return { routineId: key.slice(0, cut), slotName: key.slice(cut + 1), data };
    }),
    nextTaskSeq: state._nextTaskSeq,
    elapsedMs: state._elapsedMs,
    activationCount: state._activations,
    timeoutMs: state._timeoutMs !== undefined && Number.isFinite(state._timeoutMs) ? state._timeoutMs : null,
    slotQueues: state._slotQueues,
    lastActivationAt: state._lastActivationAt,
    activationPolicies: Object.fromEntries([...state._activationPolicies].map(([id, policy]) => [id, policy.toJSON()])),
    debugData: state._debugData,
    tracker: state.tracker.toJSON(),
  };
  checkStoredPayloads(plain, state._limits, `JobState ${state.jobId}`);
  assertJsonSafe(plain, `JobState ${state.jobId}`);
  return plain;
}

/** Collects the problems of the parts of a JobState document the DTO cannot describe. */
class Checks {
  readonly issues: DocumentIssue[] = [];

  bad<T>(path: string, expected: string, fallback: T): T {
    this.issues.push({ path, message: `must be ${expected}` });
    return fallback;
  }

  date(value: string, path: string): Date {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) this.issues.push({ path, message: `is not an ISO date (${value.slice(0, 40)})` });
    return d;
  }

  /** An optional object whose every value is converted by `item`. */
  record<T>(value: unknown, path: string, item: (v: unknown, path: string) => T): Record<string, T> {
    if (value === undefined) return {};
    if (!isPlainObject(value)) return this.bad(path, 'an object', {});
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(value)) out[k] = item(v, `${path}/${escapeToken(k)}`);
    return out;
  }

  payloads(value: unknown, path: string): Record<string, unknown>[] {
    if (!Array.isArray(value)) return this.bad(path, 'an array of payload objects', []);
    return value.map((p, i) => (isPlainObject(p) ? (restoreData(p, `${path}/${i}`) as Record<string, unknown>) : this.bad(`${path}/${i}`, 'a payload object', {})));
  }

  policy(value: unknown, path: string): ReturnType<typeof activationPolicyFromJSON> | undefined {
    try {
      return activationPolicyFromJSON(value);
    } catch (error) {
      if (!isRoutiluxError(error)) throw error;
      this.issues.push({ path, message: error.message });
      return undefined;
    }
  }
}

/**
 * @internal plain object → JobState, in the stages of services.md §3 (forbidden keys,
 * type and version, then every shape problem listed in `details.issues` with JSON
 * Pointer paths); nothing is guessed.
 */
export function deserializeJobState(data: unknown): JobState {
  const what = 'JobState document';
  // Payloads may keep reserved keys as own data keys (api.md §5): the document's own
  // structure is checked without them, and they are restored safely after the DTO check.
  const shell = withoutPayloads(data);
  assertNoForbiddenKeys(shell, what);
  checkDocumentIds(data);
  if (isPlainObject(data)) {
    if (data['type'] !== 'JobState') {
      throw invalidDocument(what, [{ path: '/type', message: `must be "JobState" (got ${JSON.stringify(data['type']) ?? 'nothing'}); expected the output of jobState.serialize()` }]);
    }
    const version = data['version'];
    if (typeof version === 'number' && Number.isInteger(version) && version > JOB_STATE_FORMAT_VERSION) {
      throw new SerializationError(ErrorCode.UNSUPPORTED_VERSION, `JobState document version ${version} is not supported; this routilux reads version ${JOB_STATE_FORMAT_VERSION}.`, {
        details: { version: String(version), supported: [JOB_STATE_FORMAT_VERSION], path: '/version', issues: [{ path: '/version', message: `version ${version} is newer than ${JOB_STATE_FORMAT_VERSION}` }] },
      });
    }
  }
  const c = new Checks();
  let state: JobState | undefined;
  toDto(JobStateDto, shell, what, (d) => {
    restorePayloads(data as Record<string, unknown>, d as unknown as Record<string, unknown>);
    if (d.version !== JOB_STATE_FORMAT_VERSION) c.issues.push({ path: '/version', message: `must be ${JOB_STATE_FORMAT_VERSION}` });
    state = restore(d, c);
    return c.issues;
  });
  return state!;
}

function restore(dto: JobStateDto, c: Checks): JobState {
  const state = new JobState(dto.flowId, { jobId: dto.jobId, historyLimit: dto.historyLimit });
  state._createdAtMs = c.date(dto.createdAt, '/createdAt').getTime();
  state._status = dto.status as JobStatus;
  state._updatedAtMs = c.date(dto.updatedAt, '/updatedAt').getTime();
  state._currentRoutineId = dto.currentRoutineId;
  state._routineStates = c.record(dto.routineStates, '/routineStates', (rec, path) =>
    isPlainObject(rec) && typeof rec['status'] === 'string' ? ({ ...rec } as unknown as RoutineStateRecord) : c.bad(path, 'an object with a string status', {} as RoutineStateRecord),
  );
  const history = new HistoryBuffer(dto.historyLimit);
  dto.executionHistory.forEach((r, i) => history.record(r.routineId, r.eventName, r.data, c.date(r.timestamp, `/executionHistory/${i}/timestamp`).getTime()));
  history.dropped = dto.historyDropped;
  state._history = history;
  state._sharedData = { ...dto.sharedData };
  state._sharedLog = dto.sharedLog.map((e, i) => (isPlainObject(e) ? ({ ...e } as SharedLogEntry) : c.bad(`/sharedLog/${i}`, 'an object', {} as SharedLogEntry)));
  state._outputLog = dto.outputLog.map((o, i) => ({ jobId: o.jobId, routineId: o.routineId, outputType: o.outputType, data: o.data, timestamp: c.date(o.timestamp, `/outputLog/${i}/timestamp`) }));
  state._pendingTasks = dto.pendingTasks.map((p, i) => {
    if (!/^t\d+$/.test(p.taskId)) c.bad(`/pendingTasks/${i}/taskId`, 'a task id like "t<number>"', undefined);
    return { taskId: p.taskId, routineId: p.routineId, slotName: p.slotName, data: { ...p.data }, attempt: p.attempt, merged: p.merged, delayMs: p.delayMs };
  });
  state._pausePoints = dto.pausePoints.map((p, i) => ({ timestamp: c.date(p.timestamp, `/pausePoints/${i}/timestamp`), reason: p.reason, checkpoint: p.checkpoint, pendingTaskCount: p.pendingTaskCount }));
  state._deferredEvents = dto.deferredEvents.map((d) => ({ routineId: d.routineId, eventName: d.eventName, data: { ...d.data } }));
  if (dto.error !== undefined) state._error = { code: dto.error.code, message: dto.error.message, ...(dto.error.routineId !== undefined ? { routineId: dto.error.routineId } : {}) };
  state._cancelReason = dto.cancelReason;
  state._slotBuffers = new Map(dto.slotBuffers.map((b) => [`${b.routineId}\u0000${b.slotName}`, { ...b.data }]));
  state._nextTaskSeq = dto.nextTaskSeq;
  state._elapsedMs = dto.elapsedMs;
  state._activations = dto.activationCount ?? 0;
  state._timeoutMs = dto.timeoutMs ?? Infinity;
  state.tracker = ExecutionTracker.fromJSON(dto.tracker);
  state._slotQueues = c.record(dto.slotQueues, '/slotQueues', (slots, path) => c.record(slots, path, (queue, qpath) => c.payloads(queue, qpath)));
  state._lastActivationAt = c.record(dto.lastActivationAt, '/lastActivationAt', (v, path) => (typeof v === 'number' && Number.isFinite(v) ? v : c.bad(path, 'a number', 0)));
  const policies = c.record(dto.activationPolicies, '/activationPolicies', (v, path) => c.policy(v, path));
  state._activationPolicies = new Map(Object.entries(policies).filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== undefined));
  state._debugData = c.record(dto.debugData, '/debugData', (captures, path) =>
    Array.isArray(captures) ? captures.map((x, i) => c.record(x, `${path}/${i}`, (queue, qpath) => c.payloads(queue, qpath))) : c.bad(path, 'an array', []),
  );
  return state;
}

/** @internal writes a JobState as JSON (directories created; atomic replace). */
export async function saveJobState(state: JobState, path: string): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new SerializationError(ErrorCode.INVALID_ARGUMENT, `save(path) needs a file path; got ${typeof path}.`);
  }
  const text = JSON.stringify(serializeJobState(state), null, 2);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/** @internal reads a JobState written by save. */
export async function loadJobState(path: string): Promise<JobState> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new SerializationError(ErrorCode.INVALID_ARGUMENT, `JobState.load(path) needs a file path; got ${typeof path}.`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ENOENT') throw new SerializationError(ErrorCode.FILE_NOT_FOUND, `No JobState file at ${path}; check the path (save it with jobState.save(path)).`, { cause, details: { path } });
    throw new SerializationError(ErrorCode.INVALID_FORMAT, `Could not read JobState file ${path}: ${(cause as Error).message}.`, { cause, details: { path } });
  }
  return deserializeJobState(parseJson(text, `JobState file ${path}`));
}
