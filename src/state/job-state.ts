import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import type { Clock } from '../runtime/clock.js';
import { isActivationPolicy, type ActivationPolicy } from '../policies/activation-policy.js';
import { deserializeJobState, loadJobState, saveJobState, serializeJobState, type SerializedJobState } from '../serialization/job-state-serializer.js';
import { DEFAULT_LIMITS, type ResolvedLimits } from '../flow/limits.js';
import { assertName, assertPayload, assertSafeKey, describe } from '../utils/guards.js';
import { checkOptions } from '../utils/closed-options.js';
import { checkData } from '../utils/json-data.js';
import { ExecutionTracker } from './execution-tracker.js';
import { HistoryBuffer } from './history-buffer.js';
import type {
  DeferredEvent,
  ExecutionRecord,
  JobError,
  JobStatus,
  OutputRecord,
  PausePoint,
  PendingTask,
  RoutineStateRecord,
  SharedLogEntry,
} from './job-types.js';
import type { OutputHandler } from './output-handlers.js';

/** Default cap of the execution history. */
export const DEFAULT_HISTORY_LIMIT = 1000;

const ROUTINE_STATUSES: ReadonlySet<string> = new Set(['running', 'completed', 'failed', 'error_continued', 'skipped']);

/** @internal what a running job exposes to its JobState. */
export interface JobRunLink {
  readonly clock: Clock;
  settled(): Promise<void>;
  progress(): { queueSize: number; active: number };
  /** Checks a per-job policy override's target and re-evaluates that routine's queued data. */
  onPolicyOverride?(routineId: string): void;
  /** A routine sent an output (for the event stream). */
  onOutput?(routineId: string, outputType: string, data: unknown): void;
}

/** Options of `JobState.waitForCompletion`. */
export interface WaitOptions {
  /** Give up after this many ms and resolve false (status untouched). */
  timeout?: number;
  /** Called every `progressInterval` ms while waiting, and once at the end. */
  onProgress?: (progress: { queueSize: number; active: number; status: JobStatus }) => void;
  /** @default 1000 */
  progressInterval?: number;
}

/** Options for creating a JobState by hand (normally flows create them). */
export interface JobStateOptions {
  jobId?: string;
  /** Cap of the execution history; the oldest entries are dropped and counted. @default 1000 */
  historyLimit?: number;
}

/**
 * Everything one execution of a flow owns: status, per-routine state, history, shared
 * data and log, outputs, pending work. Fields are read-only from outside and change
 * through methods; a JobState round-trips through `serialize()` / `JobState.deserialize()`.
 */
export class JobState {
  /** Unique id of this job. */
  readonly jobId: string;
  /** Id of the flow this job runs. */
  readonly flowId: string;
  /** Execution metrics of this job. */
  tracker: ExecutionTracker = new ExecutionTracker();

  /** @internal */ _status: JobStatus = 'pending';
  /** @internal wall-clock ms of creation and of the last change (Date objects are made when read) */
  _createdAtMs: number;
  /** @internal */ _updatedAtMs: number;
  private _createdAtDate: Date | undefined;
  /** @internal */ _currentRoutineId: string | undefined;
  /** @internal */ _routineStates: Record<string, RoutineStateRecord> = {};
  /** @internal */ _history: HistoryBuffer;
  /** @internal */ _sharedData: Record<string, unknown> = {};
  /** @internal */ _sharedLog: SharedLogEntry[] = [];
  /** @internal */ _outputLog: OutputRecord[] = [];
  /** @internal */ _pendingTasks: PendingTask[] = [];
  /** @internal */ _pausePoints: PausePoint[] = [];
  /** @internal */ _deferredEvents: DeferredEvent[] = [];
  /** @internal */ _error: JobError | undefined;
  /** @internal */ _cancelReason: string | undefined;
  /** @internal next task sequence number */
  _nextTaskSeq = 1;
  /** @internal activations started so far, retries included (the step limit counts them) */
  _activations = 0;
  /** @internal milliseconds of running time used against the timeout */
  _elapsedMs = 0;
  /** @internal the timeout in force for this job */
  _timeoutMs: number | undefined;
  /** @internal the live run, while this process drives the job */
  _run: JobRunLink | undefined;
  /** @internal the limits of this job (its flow's, or its Runtime's), set when it runs */
  _limits: ResolvedLimits = DEFAULT_LIMITS;
  private _outputHandler: OutputHandler | undefined;

  constructor(flowId: string, options: JobStateOptions = {}) {
    if (typeof flowId !== 'string' || flowId.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `JobState needs the flow id it belongs to; got ${describe(flowId)}.`);
    }
    checkOptions(options, ['jobId', 'historyLimit'], 'JobState');
    const limit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isInteger(limit) || limit < 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `historyLimit must be an integer >= 0; got ${describe(limit)}.`);
    }
    if (options.jobId !== undefined) assertName(options.jobId, 'JobState jobId');
    this.flowId = flowId;
    this.jobId = options.jobId ?? randomUUID();
    this._createdAtMs = this._updatedAtMs = Date.now();
    this._history = new HistoryBuffer(limit);
  }

  // Maps most jobs never use are created on first use: a busy Runtime holds thousands of
  // jobs at once, so every empty container a job carries is multiplied by that.
  private _slotBuffersMap: Map<string, Record<string, unknown>> | undefined;
  private _activationPoliciesMap: Map<string, ActivationPolicy> | undefined;

  private _slotQueuesValue: Record<string, Record<string, Record<string, unknown>[]>> | undefined;
  /** @internal per-job slot queues of logic routines: routineId → slot → payloads waiting, oldest first (plain data) */
  get _slotQueues(): Record<string, Record<string, Record<string, unknown>[]>> {
    return (this._slotQueuesValue ??= {});
  }
  set _slotQueues(value: Record<string, Record<string, Record<string, unknown>[]>>) {
    this._slotQueuesValue = value;
  }

  private _lastActivationAtValue: Record<string, number> | undefined;
  /** @internal clock wall time (ms) of each logic routine's last activation in this job */
  get _lastActivationAt(): Record<string, number> {
    return (this._lastActivationAtValue ??= {});
  }
  set _lastActivationAt(value: Record<string, number>) {
    this._lastActivationAtValue = value;
  }

  private _debugDataValue: Record<string, Record<string, Record<string, unknown>[]>[]> | undefined;
  /** @internal payloads captured by breakpointPolicy: routineId → one slot → payloads record per capture */
  get _debugData(): Record<string, Record<string, Record<string, unknown>[]>[]> {
    return (this._debugDataValue ??= {});
  }
  set _debugData(value: Record<string, Record<string, Record<string, unknown>[]>[]>) {
    this._debugDataValue = value;
  }

  /** @internal per-job slot buffers of 'append' and custom merges, keyed "routineId\u0000slot" */
  get _slotBuffers(): Map<string, Record<string, unknown>> {
    return (this._slotBuffersMap ??= new Map());
  }
  set _slotBuffers(map: Map<string, Record<string, unknown>>) {
    this._slotBuffersMap = map;
  }

  /** @internal per-job activation-policy overrides (serialize with policy.toJSON()) */
  get _activationPolicies(): Map<string, ActivationPolicy> {
    return (this._activationPoliciesMap ??= new Map());
  }
  set _activationPolicies(map: Map<string, ActivationPolicy>) {
    this._activationPoliciesMap = map;
  }

  /** Current status. */
  get status(): JobStatus {
    return this._status;
  }
  /** When the job was created. */
  get createdAt(): Date {
    return (this._createdAtDate ??= new Date(this._createdAtMs));
  }
  /** Last change of status or state (a new Date on each read). */
  get updatedAt(): Date {
    return new Date(this._updatedAtMs);
  }
  /** The routine whose activation started last. */
  get currentRoutineId(): string | undefined {
    return this._currentRoutineId;
  }
  /** Per-routine records (id → record). Read-only: change them with `updateRoutineState`. */
  get routineStates(): Readonly<Record<string, Readonly<RoutineStateRecord>>> {
    return this._routineStates;
  }
  /** The bounded execution history, oldest first (a copy). */
  get executionHistory(): ExecutionRecord[] {
    return this._history.toArray();
  }
  /** How many history entries were dropped because of the cap. */
  get historyDropped(): number {
    return this._history.dropped;
  }
  /** The history cap. */
  get historyLimit(): number {
    return this._history.capacity;
  }
  /** Data shared by all routines of this job. */
  get sharedData(): Readonly<Record<string, unknown>> {
    return this._sharedData;
  }
  /** Entries appended with `appendToSharedLog`. */
  get sharedLog(): readonly SharedLogEntry[] {
    return this._sharedLog;
  }
  /** Every `sendOutput` record. */
  get outputLog(): readonly OutputRecord[] {
    return this._outputLog;
  }
  /** Activations kept while paused; they run on resume. */
  get pendingTasks(): readonly PendingTask[] {
    return this._pendingTasks;
  }
  /** One entry per pause. */
  get pausePoints(): readonly PausePoint[] {
    return this._pausePoints;
  }
  /** Events stored with `emitDeferredEvent`, emitted once on the next resume. */
  get deferredEvents(): readonly DeferredEvent[] {
    return this._deferredEvents;
  }
  /** Why the job failed, when it did. */
  get error(): JobError | undefined {
    return this._error;
  }
  /** The reason given to `cancel`, when cancelled. */
  get cancelReason(): string | undefined {
    return this._cancelReason;
  }
  /** True when the job is completed, failed or cancelled. */
  get isFinished(): boolean {
    return this._status === 'completed' || this._status === 'failed' || this._status === 'cancelled';
  }

  /** The record of one routine, or undefined if it has none yet. */
  getRoutineState(routineId: string): Readonly<RoutineStateRecord> | undefined {
    return Object.prototype.hasOwnProperty.call(this._routineStates, routineId) ? this._routineStates[routineId] : undefined;
  }

  /** Merges `patch` into a routine's record (created if missing). */
  updateRoutineState(routineId: string, patch: Partial<RoutineStateRecord>): void {
    if (typeof routineId !== 'string' || routineId.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `updateRoutineState(routineId, patch): routineId must be a non-empty string; got ${describe(routineId)}.`);
    }
    assertName(routineId, 'updateRoutineState routineId');
    assertPayload(patch, 'updateRoutineState patch');
    checkData(patch, `updateRoutineState("${routineId}") patch`, { limits: this._limits, mode: 'entry' });
    if (patch.status !== undefined && !ROUTINE_STATUSES.has(patch.status)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Routine status must be one of ${[...ROUTINE_STATUSES].join(', ')}; got ${describe(patch.status)}.`);
    }
    // The record is patched in place: a running job holds on to it and sets its status when
    // the activation ends, so replacing the object would lose that update.
    const prev = this.getRoutineState(routineId) as RoutineStateRecord | undefined;
    if (prev === undefined) this._routineStates[routineId] = { status: 'running', ...patch } as RoutineStateRecord;
    else Object.assign(prev, patch);
    this.touch();
  }

  /** Appends a history entry. */
  recordExecution(routineId: string, eventName: string, data: unknown): void {
    if (typeof routineId !== 'string' || typeof eventName !== 'string') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'recordExecution(routineId, eventName, data): routineId and eventName must be strings.');
    }
    assertName(routineId, 'recordExecution routineId');
    checkData(data, `recordExecution("${routineId}") data`, { limits: this._limits, mode: 'bounded' });
    this._history.record(routineId, eventName, data, Date.now());
  }

  /** History entries, oldest first, optionally of one routine. */
  getExecutionHistory(routineId?: string): ExecutionRecord[] {
    const all = this._history.toArray();
    return routineId === undefined ? all : all.filter((r) => r.routineId === routineId);
  }

  /** Sets one shared value. */
  updateSharedData(key: string, value: unknown): void {
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `updateSharedData(key, value): key must be a non-empty string; got ${describe(key)}.`);
    }
    assertSafeKey(key, 'updateSharedData');
    checkData(value, `updateSharedData("${key}") value`, { limits: this._limits, mode: 'entry' });
    this._sharedData[key] = value;
    this.touch();
  }

  /** One shared value, or `fallback`. */
  getSharedData<T = unknown>(key: string, fallback?: T): T | undefined {
    return (Object.prototype.hasOwnProperty.call(this._sharedData, key) ? this._sharedData[key] : fallback) as T | undefined;
  }

  /** Appends a copy of `entry` with an ISO `timestamp` (kept if the entry has one). Non-object → INVALID_ARGUMENT. */
  appendToSharedLog(entry: Record<string, unknown>): void {
    assertPayload(entry, 'appendToSharedLog(entry)');
    checkData(entry, 'appendToSharedLog(entry)', { limits: this._limits, mode: 'entry' });
    const ts = typeof entry['timestamp'] === 'string' ? entry['timestamp'] : new Date().toISOString();
    this._sharedLog.push({ ...entry, timestamp: ts });
    this.touch();
  }

  /** Sets where `sendOutput` records go (undefined: only the output log). */
  setOutputHandler(handler: OutputHandler | undefined): void {
    if (handler !== undefined && (typeof handler !== 'object' || handler === null || typeof handler.handle !== 'function')) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setOutputHandler expects an object with handle(record), e.g. new CallbackOutputHandler(fn); got ${describe(handler)}.`);
    }
    this._outputHandler = handler;
  }

  /** The output handler, if any. */
  getOutputHandler(): OutputHandler | undefined {
    return this._outputHandler;
  }

  /** Appends an output record and passes it to the output handler (whose errors are swallowed). */
  sendOutput(routineId: string, outputType: string, data: unknown): void {
    checkData(data, `sendOutput("${outputType}") data`, { limits: this._limits, mode: 'bounded' });
    const record: OutputRecord = { jobId: this.jobId, routineId, outputType, data, timestamp: new Date() };
    this._outputLog.push(record);
    this._run?.onOutput?.(routineId, outputType, data);
    if (this._outputHandler !== undefined) {
      try {
        this._outputHandler.handle(record);
      } catch {
        // An output sink must never break the job; the record is in outputLog regardless.
      }
    }
  }

  /**
   * Payloads waiting in the slot queues of logic routines (routineId → slot → payloads,
   * oldest first; a copy). After the job ends this is what its policies never consumed,
   * e.g. an incomplete batch.
   */
  get slotQueues(): Readonly<Record<string, Readonly<Record<string, readonly Record<string, unknown>[]>>>> {
    const out: Record<string, Record<string, Record<string, unknown>[]>> = {};
    for (const [routineId, slots] of Object.entries(this._slotQueues)) {
      const copy: Record<string, Record<string, unknown>[]> = {};
      for (const [slot, queue] of Object.entries(slots)) if (queue.length > 0) copy[slot] = [...queue];
      if (Object.keys(copy).length > 0) out[routineId] = copy;
    }
    return out;
  }

  /** The payloads waiting in one slot queue of a logic routine, oldest first (a copy; empty if none). */
  getSlotQueue(routineId: string, slotName: string): readonly Record<string, unknown>[] {
    const slots = Object.prototype.hasOwnProperty.call(this._slotQueues, routineId) ? this._slotQueues[routineId] : undefined;
    const queue = slots !== undefined && Object.prototype.hasOwnProperty.call(slots, slotName) ? slots[slotName] : undefined;
    return queue === undefined ? [] : [...queue];
  }

  /** Data captured by `breakpointPolicy()`: routineId → one record (slot → payloads) per capture. */
  get debugData(): Readonly<Record<string, readonly Readonly<Record<string, readonly Record<string, unknown>[]>>[]>> {
    return this._debugData;
  }

  /**
   * Overrides the activation policy of one logic routine for this job only (wins over the
   * routine's policy). On a running job, data already queued is re-evaluated at once.
   */
  setRoutineActivationPolicy(routineId: string, policy: ActivationPolicy): void {
    if (typeof routineId !== 'string' || routineId.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setRoutineActivationPolicy(routineId, policy): routineId must be a non-empty string; got ${describe(routineId)}.`);
    }
    assertSafeKey(routineId, 'setRoutineActivationPolicy routineId');
    if (!isActivationPolicy(policy)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setRoutineActivationPolicy(routineId, policy): policy must be an activation policy such as batchSizePolicy(10); got ${describe(policy)}.`);
    }
    const previous = this._activationPolicies.get(routineId);
    this._activationPolicies.set(routineId, policy);
    try {
      this._run?.onPolicyOverride?.(routineId);
    } catch (error) {
      if (previous === undefined) this._activationPolicies.delete(routineId);
      else this._activationPolicies.set(routineId, previous);
      throw error;
    }
    this.touch();
  }

  /** This job's policy override of one routine, if any. */
  getRoutineActivationPolicy(routineId: string): ActivationPolicy | undefined {
    return this._activationPolicies.get(routineId);
  }

  /** Removes this job's policy override of one routine; returns whether there was one. */
  removeRoutineActivationPolicy(routineId: string): boolean {
    const had = this._activationPolicies.delete(routineId);
    if (had) {
      this.touch();
      if (this._run?.onPolicyOverride !== undefined && !this.isFinished) this._run.onPolicyOverride(routineId);
    }
    return had;
  }

  /** Stores an event to emit once on the next resume. */
  addDeferredEvent(routineId: string, eventName: string, data: Record<string, unknown>): void {
    assertPayload(data, 'deferred event data');
    checkData(data, `emitDeferredEvent("${eventName}") data`, { limits: this._limits, mode: 'bounded' });
    this._deferredEvents.push({ routineId, eventName, data: { ...data } });
    this.touch();
  }

  /**
   * The job as a JSON-safe object: every field, pending work, per-job slot buffers, retry
   * counts, history; dates as ISO strings. A running job is captured as a snapshot (see
   * docs/persistence.md for what that means for activations in flight).
   */
  serialize(): SerializedJobState {
    return serializeJobState(this);
  }

  /** Rebuilds a JobState from `serialize()` output; malformed input is a typed error. */
  static deserialize(data: unknown): JobState {
    return deserializeJobState(data);
  }

  /** Writes the job to `path` as JSON (directories are created; the file is replaced atomically). */
  save(path: string): Promise<void> {
    return saveJobState(this, path);
  }

  /** Reads a job written by `save`. Missing file → `FILE_NOT_FOUND`; bad content → `INVALID_FORMAT`. */
  static load(path: string): Promise<JobState> {
    return loadJobState(path);
  }

  /** @internal */
  touch(): void {
    this._updatedAtMs = Date.now();
  }

  /** @internal */
  _setStatus(status: JobStatus): void {
    this._status = status;
    this.touch();
  }

  /** @internal */
  _routineRecord(routineId: string): RoutineStateRecord {
    let rec = this._routineStates[routineId];
    if (rec === undefined) {
      rec = { status: 'running', executions: 0, retryCount: 0 };
      this._routineStates[routineId] = rec;
    }
    return rec;
  }

  /**
   * Resolves true when the job is no longer running (completed, failed, cancelled or
   * paused), false on timeout (the status is left untouched). `onProgress` is called every
   * `progressInterval` ms (default 1000) and once at the end.
   */
  static waitForCompletion(flow: { readonly flowId: string }, jobState: JobState, options: WaitOptions = {}): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (!(jobState instanceof JobState)) {
        reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion needs a JobState; got ${describe(jobState)}.`));
        return;
      }
      if (typeof flow !== 'object' || flow === null || flow.flowId !== jobState.flowId) {
        reject(
          new ExecutionError(ErrorCode.FLOW_MISMATCH, `Job ${jobState.jobId} belongs to flow ${jobState.flowId}, not ${String((flow as { flowId?: unknown } | null)?.flowId)}; wait on it with its own flow.`, {
            details: { jobId: jobState.jobId, flowId: jobState.flowId },
          }),
        );
        return;
      }
      try {
        checkOptions(options, ['timeout', 'onProgress', 'progressInterval'], 'waitForCompletion');
      } catch (error) {
        reject(error);
        return;
      }
      const { timeout, onProgress, progressInterval = 1000 } = options;
      if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
        reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion timeout must be a number of ms >= 0; got ${describe(timeout)}.`));
        return;
      }
      if (onProgress !== undefined && typeof onProgress !== 'function') {
        reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion onProgress must be a function; got ${describe(onProgress)}.`));
        return;
      }
      if (!Number.isFinite(progressInterval) || progressInterval <= 0) {
        reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion progressInterval must be a positive number of ms; got ${describe(progressInterval)}.`));
        return;
      }
      const run = jobState._run;
      const report = (): void => {
        if (onProgress === undefined) return;
        const p = run?.progress() ?? { queueSize: 0, active: 0 };
        try {
          onProgress({ queueSize: p.queueSize, active: p.active, status: jobState._status });
        } catch {
          // a progress callback must not break waiting
        }
      };
      if (run === undefined || (jobState._status !== 'running' && jobState._status !== 'pending')) {
        report();
        resolve(jobState._status !== 'running' && jobState._status !== 'pending');
        return;
      }
      const clock = run.clock;
      let done = false;
      let progressTimer: unknown;
      let timeoutTimer: unknown;
      const finish = (value: boolean): void => {
        if (done) return;
        done = true;
        if (progressTimer !== undefined) clock.clearTimeout(progressTimer);
        if (timeoutTimer !== undefined) clock.clearTimeout(timeoutTimer);
        report();
        resolve(value);
      };
      const tick = (): void => {
        report();
        progressTimer = clock.setTimeout(tick, progressInterval);
      };
      if (onProgress !== undefined) progressTimer = clock.setTimeout(tick, progressInterval);
      if (timeout !== undefined) timeoutTimer = clock.setTimeout(() => finish(false), timeout);
      void run.settled().then(() => finish(true));
    });
  }
}
