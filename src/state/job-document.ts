// A job's data to and from its wire document (serialization/job-state-serializer.ts holds
// the format). Works on the JobData record, never on the JobState class.
import { escapeToken, type DocumentIssue } from '../documents/document-issues.js';
import { isRoutiluxError } from '../errors/routilux-error.js';
import { DEFAULT_LIMITS } from '../flow/limits.js';
import { activationPolicyFromJSON, type ActivationPolicy } from '../policies/activation-policy.js';
import type { JobStateDto } from '../serialization/dto/job-state.dto.js';
import { restoreData } from '../serialization/job-payloads.js';
import { checkJobDocument, JOB_STATE_FORMAT_VERSION, parseJobStateDocument, type SerializedJobState } from '../serialization/job-state-serializer.js';
import { isPlainObject } from '../utils/guards.js';
import { ExecutionTracker } from './execution-tracker.js';
import { HistoryBuffer } from './history-buffer.js';
import type { JobData } from './job-data.js';
import { breakpointView, type BreakpointEntry } from './breakpoint-types.js';
import { compileExpression, type CompiledExpression } from '../expressions/index.js';
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
    activationCount: d.activations,
    timeoutMs: d.timeoutMs !== undefined && Number.isFinite(d.timeoutMs) ? d.timeoutMs : null,
    slotQueues: d.slotQueues ?? {},
    lastActivationAt: d.lastActivationAt ?? {},
    activationPolicies: d.activationPolicies === undefined ? {} : Object.fromEntries([...d.activationPolicies].map(([id, policy]) => [id, policy.toJSON()])),
    debugData: d.debugData ?? {},
    ...(d.breakpoints !== undefined ? { breakpoints: d.breakpoints.map(breakpointView) } : {}),
    ...(d.breakpointPass !== undefined ? { breakpointPass: { ...d.breakpointPass } } : {}),
    ...(d.traceContext !== undefined ? { traceContext: { ...d.traceContext } } : {}),
    tracker: d.tracker.toJSON(),
  }, d.limits);
}

/** Collects the problems of the parts of a JobState document the DTO cannot describe. */
class Checks {
  constructor(readonly issues: DocumentIssue[]) {}

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

  policy(value: unknown, path: string): ActivationPolicy | undefined {
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
 * @internal plain object → JobData, in the stages of services.md §3 (see
 * `parseJobStateDocument`); every shape problem is listed in one INVALID_FORMAT error with
 * JSON Pointer paths, nothing is guessed.
 */
export function jobFromDocument(data: unknown): JobData {
  return parseJobStateDocument(data, (dto, issues) => restore(dto, new Checks(issues)));
}

function restore(dto: JobStateDto, c: Checks): JobData {
  const history = new HistoryBuffer(dto.historyLimit);
  dto.executionHistory.forEach((r, i) => history.record(r.routineId, r.eventName, r.data, c.date(r.timestamp, `/executionHistory/${i}/timestamp`).getTime()));
  history.dropped = dto.historyDropped;
  const policies = c.record(dto.activationPolicies, '/activationPolicies', (v, path) => c.policy(v, path));
  return {
    jobId: dto.jobId,
    flowId: dto.flowId,
    status: dto.status as JobStatus,
    createdAtMs: c.date(dto.createdAt, '/createdAt').getTime(),
    updatedAtMs: c.date(dto.updatedAt, '/updatedAt').getTime(),
    currentRoutineId: dto.currentRoutineId,
    routineStates: c.record(dto.routineStates, '/routineStates', (rec, path) =>
      isPlainObject(rec) && typeof rec['status'] === 'string' ? ({ ...rec } as unknown as RoutineStateRecord) : c.bad(path, 'an object with a string status', {} as RoutineStateRecord),
    ),
    history,
    sharedData: { ...dto.sharedData },
    sharedLog: dto.sharedLog.map((e, i) => (isPlainObject(e) ? ({ ...e } as SharedLogEntry) : c.bad(`/sharedLog/${i}`, 'an object', {} as SharedLogEntry))),
    outputLog: dto.outputLog.map((o, i) => ({ jobId: o.jobId, routineId: o.routineId, outputType: o.outputType, data: o.data, timestamp: c.date(o.timestamp, `/outputLog/${i}/timestamp`) })),
    pendingTasks: dto.pendingTasks.map((p, i) => {
      if (!/^t\d+$/.test(p.taskId)) c.bad(`/pendingTasks/${i}/taskId`, 'a task id like "t<number>"', undefined);
      return { taskId: p.taskId, routineId: p.routineId, slotName: p.slotName, data: { ...p.data }, attempt: p.attempt, merged: p.merged, delayMs: p.delayMs };
    }),
    pausePoints: dto.pausePoints.map((p, i) => ({ timestamp: c.date(p.timestamp, `/pausePoints/${i}/timestamp`), reason: p.reason, checkpoint: p.checkpoint, pendingTaskCount: p.pendingTaskCount })),
    deferredEvents: dto.deferredEvents.map((d) => ({ routineId: d.routineId, eventName: d.eventName, data: { ...d.data } })),
    error: dto.error === undefined ? undefined : { code: dto.error.code, message: dto.error.message, ...(dto.error.routineId !== undefined ? { routineId: dto.error.routineId } : {}) },
    cancelReason: dto.cancelReason,
    slotBuffers: new Map(dto.slotBuffers.map((b) => [`${b.routineId}\u0000${b.slotName}`, { ...b.data }])),
    nextTaskSeq: dto.nextTaskSeq,
    elapsedMs: dto.elapsedMs,
    activations: dto.activationCount ?? 0,
    limits: DEFAULT_LIMITS,
    timeoutMs: dto.timeoutMs ?? Infinity,
    tracker: ExecutionTracker.fromJSON(dto.tracker),
    slotQueues: c.record(dto.slotQueues, '/slotQueues', (slots, path) => c.record(slots, path, (queue, qpath) => c.payloads(queue, qpath))),
    lastActivationAt: c.record(dto.lastActivationAt, '/lastActivationAt', (v, path) => (typeof v === 'number' && Number.isFinite(v) ? v : c.bad(path, 'a number', 0))),
    activationPolicies: new Map(Object.entries(policies).filter((e): e is [string, ActivationPolicy] => e[1] !== undefined)),
    debugData: c.record(dto.debugData, '/debugData', (captures, path) =>
      Array.isArray(captures) ? captures.map((x, i) => c.record(x, `${path}/${i}`, (queue, qpath) => c.payloads(queue, qpath))) : c.bad(path, 'an array', []),
    ),
    ...restoreBreakpoints(dto, c),
    traceContext: dto.traceContext === undefined ? undefined : c.record(dto.traceContext, '/traceContext', (v, path) => (typeof v === 'string' ? v : c.bad(path, 'a string', ''))),
  };
}

/** The breakpoints of a document, their conditions compiled again (a condition the sandbox refuses is an issue). */
function restoreBreakpoints(dto: JobStateDto, c: Checks): Pick<JobData, 'breakpoints' | 'breakpointPass' | 'breakpointSeq'> {
  let seq = 0;
  const ids = new Set<string>();
  const list: BreakpointEntry[] = (dto.breakpoints ?? []).map((b, i) => {
    const n = /^bp(\d+)$/.exec(b.id);
    if (n === null) c.bad(`/breakpoints/${i}/id`, 'a breakpoint id like "bp<number>"', undefined);
    else seq = Math.max(seq, Number(n[1]));
    if (ids.has(b.id)) c.bad(`/breakpoints/${i}/id`, 'unique within the job', undefined);
    ids.add(b.id);
    let condition: CompiledExpression | undefined;
    if (b.condition !== undefined) {
      try {
        condition = compileExpression(b.condition);
      } catch (error) {
        if (!isRoutiluxError(error)) throw error;
        c.issues.push({ path: `/breakpoints/${i}/condition`, message: error.message });
      }
    }
    return { id: b.id, routineId: b.routineId, slot: b.slot, condition, hits: b.hits };
  });
  const pass = dto.breakpointPass;
  return { breakpoints: list.length > 0 ? list : undefined, breakpointPass: pass === undefined ? undefined : { taskId: pass.taskId, attempt: pass.attempt }, breakpointSeq: seq };
}
