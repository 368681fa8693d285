// A job's data to and from its wire document (serialization/job-state-serializer.ts holds
// the format). Works on the JobData record, never on the JobState class.
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { activationPolicyFromJSON } from '../policies/activation-policy.js';
import { checkJobDocument, JOB_STATE_FORMAT_VERSION, parseJobStateDocument, type SerializedJobState } from '../serialization/job-state-serializer.js';
import { ExecutionTracker } from './execution-tracker.js';
import { HistoryBuffer } from './history-buffer.js';
import type { JobData } from './job-data.js';
import type { JobStatus, PendingTask, RoutineStateRecord, SharedLogEntry } from './job-types.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** @internal the serialized form of one pending task. */
export function pendingToDocument(p: PendingTask): SerializedJobState['pendingTasks'][number] {
  return { ...p };
}

/** @internal the serialized form of one slot buffer key and value. */
export function slotBufferToDocument(key: string, data: Record<string, unknown>): SerializedJobState['slotBuffers'][number] {
  const cut = key.indexOf('\u0000');
  return { routineId: key.slice(0, cut), slotName: key.slice(cut + 1), data };
}

/** @internal JobData → plain JSON-safe document; `pending` replaces the stored pending tasks (a running job's snapshot). */
export function jobToDocument(d: JobData, pending: readonly PendingTask[] = d.pendingTasks): SerializedJobState {
  return checkJobDocument({
    type: 'JobState' as const,
    version: JOB_STATE_FORMAT_VERSION,
    jobId: d.jobId,
    flowId: d.flowId,
    status: d.status,
    createdAt: iso(d.createdAtMs),
    updatedAt: iso(d.updatedAtMs),
    ...(d.currentRoutineId !== undefined ? { currentRoutineId: d.currentRoutineId } : {}),
    routineStates: d.routineStates,
    historyLimit: d.history.capacity,
    historyDropped: d.history.dropped,
    executionHistory: d.history.toArray().map((r) => ({ routineId: r.routineId, eventName: r.eventName, data: r.data, timestamp: r.timestamp.toISOString() })),
    sharedData: d.sharedData,
    sharedLog: d.sharedLog,
    outputLog: d.outputLog.map((o) => ({ jobId: o.jobId, routineId: o.routineId, outputType: o.outputType, data: o.data, timestamp: o.timestamp.toISOString() })),
    pendingTasks: pending.map(pendingToDocument),
    pausePoints: d.pausePoints.map((p) => ({ timestamp: p.timestamp.toISOString(), reason: p.reason, checkpoint: p.checkpoint, pendingTaskCount: p.pendingTaskCount })),
    deferredEvents: d.deferredEvents.map((e) => ({ ...e })),
    ...(d.error !== undefined ? { error: { ...d.error } } : {}),
    ...(d.cancelReason !== undefined ? { cancelReason: d.cancelReason } : {}),
    slotBuffers: d.slotBuffers === undefined ? [] : [...d.slotBuffers].map(([key, data]) => slotBufferToDocument(key, data)),
    nextTaskSeq: d.nextTaskSeq,
    elapsedMs: d.elapsedMs,
    timeoutMs: d.timeoutMs !== undefined && Number.isFinite(d.timeoutMs) ? d.timeoutMs : null,
    slotQueues: d.slotQueues ?? {},
    lastActivationAt: d.lastActivationAt ?? {},
    activationPolicies: d.activationPolicies === undefined ? {} : Object.fromEntries([...d.activationPolicies].map(([id, policy]) => [id, policy.toJSON()])),
    debugData: d.debugData ?? {},
    tracker: d.tracker.toJSON(),
  });
}

function invalid(path: string, expected: string): never {
  throw new SerializationError(ErrorCode.INVALID_FORMAT, `JobState document: ${path} must be ${expected}.`, { details: { path } });
}

/** An optional object whose every value is converted by `item`. */
function plainRecord<T>(value: unknown, path: string, item: (v: unknown, path: string) => T): Record<string, T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(path, 'an object');
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(value)) out[k] = item(v, `${path}.${k}`);
  return out;
}

function payloadList(value: unknown, path: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) return invalid(path, 'an array of payload objects');
  return value.map((p, i) => (typeof p === 'object' && p !== null && !Array.isArray(p) ? { ...(p as Record<string, unknown>) } : invalid(`${path}[${i}]`, 'a payload object')));
}

function date(value: string, path: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new SerializationError(ErrorCode.INVALID_FORMAT, `JobState document: ${path} is not an ISO date (${value.slice(0, 40)}).`, { details: { path } });
  return d;
}

/** @internal plain object → JobData; every problem is a typed error, nothing is guessed. */
export function jobFromDocument(data: unknown): JobData {
  const dto = parseJobStateDocument(data);
  const states: Record<string, RoutineStateRecord> = {};
  for (const [id, rec] of Object.entries(dto.routineStates)) {
    if (typeof rec !== 'object' || rec === null || typeof rec['status'] !== 'string') {
      throw new SerializationError(ErrorCode.INVALID_FORMAT, `JobState document: routineStates.${id} must be an object with a status.`, { details: { path: `$.routineStates.${id}` } });
    }
    states[id] = { ...(rec as RoutineStateRecord) };
  }
  const history = new HistoryBuffer(dto.historyLimit);
  dto.executionHistory.forEach((r, i) => history.record(r.routineId, r.eventName, r.data, date(r.timestamp, `$.executionHistory[${i}].timestamp`).getTime()));
  history.dropped = dto.historyDropped;
  const createdAtMs = date(dto.createdAt, '$.createdAt').getTime();
  const updatedAtMs = date(dto.updatedAt, '$.updatedAt').getTime();
  return {
    jobId: dto.jobId,
    flowId: dto.flowId,
    status: dto.status as JobStatus,
    createdAtMs,
    updatedAtMs,
    currentRoutineId: dto.currentRoutineId,
    routineStates: states,
    history,
    sharedData: { ...dto.sharedData },
    sharedLog: dto.sharedLog.map((e, i) => {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new SerializationError(ErrorCode.INVALID_FORMAT, `JobState document: sharedLog[${i}] must be an object.`);
      return { ...e } as SharedLogEntry;
    }),
    outputLog: dto.outputLog.map((o, i) => ({ jobId: o.jobId, routineId: o.routineId, outputType: o.outputType, data: o.data, timestamp: date(o.timestamp, `$.outputLog[${i}].timestamp`) })),
    pendingTasks: dto.pendingTasks.map((p, i) => {
      if (!/^t\d+$/.test(p.taskId)) throw new SerializationError(ErrorCode.INVALID_FORMAT, `JobState document: pendingTasks[${i}].taskId must look like "t<number>".`);
      return { taskId: p.taskId, routineId: p.routineId, slotName: p.slotName, data: { ...p.data }, attempt: p.attempt, merged: p.merged, delayMs: p.delayMs };
    }),
    pausePoints: dto.pausePoints.map((p, i) => ({ timestamp: date(p.timestamp, `$.pausePoints[${i}].timestamp`), reason: p.reason, checkpoint: p.checkpoint, pendingTaskCount: p.pendingTaskCount })),
    deferredEvents: dto.deferredEvents.map((d) => ({ routineId: d.routineId, eventName: d.eventName, data: { ...d.data } })),
    error: dto.error === undefined ? undefined : { code: dto.error.code, message: dto.error.message, ...(dto.error.routineId !== undefined ? { routineId: dto.error.routineId } : {}) },
    cancelReason: dto.cancelReason,
    slotBuffers: new Map(dto.slotBuffers.map((b) => [`${b.routineId}\u0000${b.slotName}`, { ...b.data }])),
    nextTaskSeq: dto.nextTaskSeq,
    elapsedMs: dto.elapsedMs,
    timeoutMs: dto.timeoutMs ?? Infinity,
    tracker: ExecutionTracker.fromJSON(dto.tracker),
    slotQueues: plainRecord(dto.slotQueues, '$.slotQueues', (slots, path) => plainRecord(slots, path, (queue, qpath) => payloadList(queue, qpath))),
    lastActivationAt: plainRecord(dto.lastActivationAt, '$.lastActivationAt', (v, path) => (typeof v === 'number' && Number.isFinite(v) ? v : invalid(path, 'a number'))),
    activationPolicies: new Map(Object.entries(plainRecord(dto.activationPolicies, '$.activationPolicies', (v) => activationPolicyFromJSON(v)))),
    debugData: plainRecord(dto.debugData, '$.debugData', (captures, path) =>
      Array.isArray(captures) ? captures.map((c, i) => plainRecord(c, `${path}[${i}]`, (queue, qpath) => payloadList(queue, qpath))) : invalid(path, 'an array'),
    ),
  };
}
