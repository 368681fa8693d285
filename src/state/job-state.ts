import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { isActivationPolicy, type ActivationPolicy } from '../policies/activation-policy.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import { loadJobDocument, saveJobDocument } from '../stores/json-file.js';
import { DEFAULT_LIMITS } from '../flow/limits.js';
import { assertName, assertPayload, assertSafeKey, describe } from '../utils/guards.js';
import { checkOptions } from '../utils/closed-options.js';
import { checkData } from '../utils/json-data.js';
import { ExecutionTracker } from './execution-tracker.js';
import { HistoryBuffer } from './history-buffer.js';
import type { JobData } from './job-data.js';
import { jobFromDocument, jobToDocument } from './job-document.js';
import type { JobRunLink } from './job-link.js';
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
import { NO_OPTIONS, waitForCompletion, type WaitOptions } from './wait-for-completion.js';
import { JobWriter } from './job-writer.js';
import { breakpointView, type Breakpoint } from './breakpoint-types.js';

export type { WaitOptions } from './wait-for-completion.js';

declare module '../policies/activation-policy.js' {
  /** Policies and logics get the JobState itself. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface PolicyJobView extends JobState {}
}

/** Default cap of the execution history. */
export const DEFAULT_HISTORY_LIMIT = 1000;

const ROUTINE_STATUSES: ReadonlySet<string> = new Set(['running', 'completed', 'failed', 'error_continued', 'skipped']);

/** Options for creating a JobState by hand (normally flows create them). */
export interface JobStateOptions {
  jobId?: string;
  /** Cap of the execution history; the oldest entries are dropped and counted. @default 1000 */
  historyLimit?: number;
  /** Where the job's timestamps come from until a flow runs it (then the flow's clock). @default systemClock */
  clock?: Clock;
}

const own = Object.prototype.hasOwnProperty;
const OPTION_KEYS: readonly string[] = ['jobId', 'historyLimit', 'clock'];

/** The options object of the one construction `newJobState` is making (its values were checked when the flow was built). */
let trustedOptions: JobStateOptions | undefined;

/**
 * @internal A new job of a flow: `historyLimit` and `clock` are the flow's own, checked when
 * the flow was built, so the constructor's argument checks are skipped (a job is created per
 * start, on the hot path).
 */
export function newJobState(flowId: string, historyLimit: number, clock: Clock): JobState {
  const options: JobStateOptions = { historyLimit, clock };
  trustedOptions = options;
  const state = new JobState(flowId, options);
  trustedOptions = undefined;
  return state;
}

/**
 * Everything one execution of a flow owns: status, per-routine state, history, shared
 * data and log, outputs, pending work. Fields are read-only from outside and change
 * through methods; a JobState round-trips through `serialize()` / `JobState.deserialize()`.
 */
export class JobState {
  /** All state, private: it changes only through the writer's intent methods. */
  readonly #d: JobData;
  readonly #w: JobWriter;
  #run: JobRunLink | undefined;
  #outputHandler: OutputHandler | undefined;
  #createdAtDate: Date | undefined;

  constructor(flowId: string, options: JobStateOptions = {}) {
    if (typeof flowId !== 'string' || flowId.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `JobState needs the flow id it belongs to; got ${describe(flowId)}.`);
    }
    const limit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    const clock = options.clock ?? systemClock;
    if (options !== trustedOptions) {
      checkOptions(options, OPTION_KEYS, 'JobState');
      if (!Number.isInteger(limit) || limit < 0) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `historyLimit must be an integer >= 0; got ${describe(limit)}.`);
      }
      if (options.jobId !== undefined) assertName(options.jobId, 'JobState jobId');
      if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'JobState clock must implement the Clock interface (now, monotonic, setTimeout, clearTimeout).');
      }
    }
    const now = clock.now();
    this.#d = {
      jobId: options.jobId ?? randomUUID(),
      flowId,
      status: 'pending',
      createdAtMs: now,
      updatedAtMs: now,
      currentRoutineId: undefined,
      routineStates: {},
      history: new HistoryBuffer(limit),
      sharedData: {},
      sharedLog: [],
      outputLog: [],
      pendingTasks: [],
      pausePoints: [],
      deferredEvents: [],
      error: undefined,
      cancelReason: undefined,
      nextTaskSeq: 1,
      elapsedMs: 0,
      activations: 0,
      limits: DEFAULT_LIMITS,
      timeoutMs: undefined,
      tracker: new ExecutionTracker(),
      slotBuffers: undefined,
      activationPolicies: undefined,
      slotQueues: undefined,
      lastActivationAt: undefined,
      debugData: undefined,
      breakpoints: undefined,
      breakpointPass: undefined,
      breakpointSeq: 0,
      traceContext: undefined,
    };
    this.#w = new JobWriter(this.#d, clock);
  }

  // ---------------------------------------------------------------- public reads

  /** Unique id of this job. */
  get jobId(): string {
    return this.#d.jobId;
  }
  /** Id of the flow this job runs. */
  get flowId(): string {
    return this.#d.flowId;
  }
  /** Execution metrics of this job. */
  get tracker(): ExecutionTracker {
    return this.#d.tracker;
  }
  /** Current status. */
  get status(): JobStatus {
    return this.#d.status;
  }
  /** When the job was created. */
  get createdAt(): Date {
    return (this.#createdAtDate ??= new Date(this.#d.createdAtMs));
  }
  /** Last change of status or state (a new Date on each read). */
  get updatedAt(): Date {
    return new Date(this.#d.updatedAtMs);
  }
  /** The routine whose activation started last. */
  get currentRoutineId(): string | undefined {
    return this.#d.currentRoutineId;
  }
  /** Per-routine records (id → record). Read-only: change them with `updateRoutineState`. */
  get routineStates(): Readonly<Record<string, Readonly<RoutineStateRecord>>> {
    return this.#d.routineStates;
  }
  /** The bounded execution history, oldest first (a copy). */
  get executionHistory(): ExecutionRecord[] {
    return this.#d.history.toArray();
  }
  /** How many history entries were dropped because of the cap. */
  get historyDropped(): number {
    return this.#d.history.dropped;
  }
  /** The history cap. */
  get historyLimit(): number {
    return this.#d.history.capacity;
  }
  /** Data shared by all routines of this job. */
  get sharedData(): Readonly<Record<string, unknown>> {
    return this.#d.sharedData;
  }
  /** Entries appended with `appendToSharedLog`. */
  get sharedLog(): readonly SharedLogEntry[] {
    return this.#d.sharedLog;
  }
  /** Every `sendOutput` record. */
  get outputLog(): readonly OutputRecord[] {
    return this.#d.outputLog;
  }
  /** Activations kept while paused; they run on resume. */
  get pendingTasks(): readonly PendingTask[] {
    return this.#d.pendingTasks;
  }
  /** One entry per pause. */
  get pausePoints(): readonly PausePoint[] {
    return this.#d.pausePoints;
  }
  /** Events stored with `emitDeferredEvent`, emitted once on the next resume. */
  get deferredEvents(): readonly DeferredEvent[] {
    return this.#d.deferredEvents;
  }
  /** Why the job failed, when it did. */
  get error(): JobError | undefined {
    return this.#d.error;
  }
  /** The reason given to `cancel`, when cancelled. */
  get cancelReason(): string | undefined {
    return this.#d.cancelReason;
  }
  /** True when the job is completed, failed or cancelled. */
  get isFinished(): boolean {
    const s = this.#d.status;
    return s === 'completed' || s === 'failed' || s === 'cancelled';
  }

  /** The record of one routine, or undefined if it has none yet. */
  getRoutineState(routineId: string): Readonly<RoutineStateRecord> | undefined {
    return own.call(this.#d.routineStates, routineId) ? this.#d.routineStates[routineId] : undefined;
  }

  /** History entries, oldest first, optionally of one routine. */
  getExecutionHistory(routineId?: string): ExecutionRecord[] {
    const all = this.#d.history.toArray();
    return routineId === undefined ? all : all.filter((r) => r.routineId === routineId);
  }

  /** One shared value, or `fallback`. */
  getSharedData<T = unknown>(key: string, fallback?: T): T | undefined {
    return (own.call(this.#d.sharedData, key) ? this.#d.sharedData[key] : fallback) as T | undefined;
  }

  /** The output handler, if any. */
  getOutputHandler(): OutputHandler | undefined {
    return this.#outputHandler;
  }

  /**
   * Payloads waiting in the slot queues of logic routines (routineId → slot → payloads,
   * oldest first; a copy). After the job ends this is what its policies never consumed,
   * e.g. an incomplete batch.
   */
  get slotQueues(): Readonly<Record<string, Readonly<Record<string, readonly Record<string, unknown>[]>>>> {
    const out: Record<string, Record<string, Record<string, unknown>[]>> = {};
    for (const [routineId, slots] of Object.entries(this.#d.slotQueues ?? {})) {
      const copy: Record<string, Record<string, unknown>[]> = {};
      for (const [slot, queue] of Object.entries(slots)) if (queue.length > 0) copy[slot] = [...queue];
      if (Object.keys(copy).length > 0) out[routineId] = copy;
    }
    return out;
  }

  /** The payloads waiting in one slot queue of a logic routine, oldest first (a copy; empty if none). */
  getSlotQueue(routineId: string, slotName: string): readonly Record<string, unknown>[] {
    const queues = this.#w.liveSlotQueues(routineId);
    return queues !== undefined && own.call(queues, slotName) ? [...queues[slotName]!] : [];
  }

  /** Data captured by `breakpointPolicy()`: routineId → one record (slot → payloads) per capture. */
  get debugData(): Readonly<Record<string, readonly Readonly<Record<string, readonly Record<string, unknown>[]>>[]>> {
    return (this.#d.debugData ??= {});
  }

  /** This job's breakpoints with their hit counts (copies; change them with `addBreakpoint` / `removeBreakpoint` of the Flow or Runtime). */
  get breakpoints(): readonly Breakpoint[] {
    return (this.#d.breakpoints ?? []).map(breakpointView);
  }

  /**
   * The trace context of this job's last run, as a tracer propagates it (e.g. `{ traceparent }`
   * of W3C Trace Context); it serializes with the job, so a run in another process continues
   * the same trace. See `routilux/otel`.
   */
  get traceContext(): Readonly<Record<string, string>> | undefined {
    return this.#d.traceContext;
  }

  /** Sets the trace context of this job (string keys and values, at most 10,000 entries of 512 characters); undefined clears it. */
  setTraceContext(carrier: Readonly<Record<string, string>> | undefined): void {
    if (carrier !== undefined) {
      const entries = typeof carrier === 'object' && carrier !== null && !Array.isArray(carrier) ? Object.entries(carrier) : undefined;
      if (entries === undefined || entries.length > 10_000 || entries.some(([k, v]) => typeof v !== 'string' || k.length > 512 || v.length > 512)) {
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setTraceContext expects an object of at most 10,000 string entries such as { traceparent: '00-…' }; got ${describe(carrier)}.`);
      }
      for (const [k] of entries) assertSafeKey(k, 'setTraceContext');
    }
    this.#w.traceContextSet(carrier === undefined ? undefined : { ...carrier });
  }

  /** This job's policy override of one routine, if any. */
  getRoutineActivationPolicy(routineId: string): ActivationPolicy | undefined {
    return this.#d.activationPolicies?.get(routineId);
  }

  // ---------------------------------------------------------------- public changes

  /** Merges `patch` into a routine's record (created if missing). */
  updateRoutineState(routineId: string, patch: Partial<RoutineStateRecord>): void {
    if (typeof routineId !== 'string' || routineId.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `updateRoutineState(routineId, patch): routineId must be a non-empty string; got ${describe(routineId)}.`);
    }
    assertName(routineId, 'updateRoutineState routineId');
    assertPayload(patch, 'updateRoutineState patch');
    checkData(patch, `updateRoutineState("${routineId}") patch`, { limits: this.#d.limits, mode: 'entry' });
    if (patch.status !== undefined && !ROUTINE_STATUSES.has(patch.status)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Routine status must be one of ${[...ROUTINE_STATUSES].join(', ')}; got ${describe(patch.status)}.`);
    }
    this.#w.routinePatched(routineId, patch);
  }

  /** Appends a history entry (timestamped by the job's clock). */
  recordExecution(routineId: string, eventName: string, data: unknown): void {
    if (typeof routineId !== 'string' || typeof eventName !== 'string') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'recordExecution(routineId, eventName, data): routineId and eventName must be strings.');
    }
    assertName(routineId, 'recordExecution routineId');
    checkData(data, `recordExecution("${routineId}") data`, { limits: this.#d.limits, mode: 'bounded' });
    this.#w.record(routineId, eventName, data, this.#w.clock.now());
  }

  /** Sets one shared value. */
  updateSharedData(key: string, value: unknown): void {
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `updateSharedData(key, value): key must be a non-empty string; got ${describe(key)}.`);
    }
    assertSafeKey(key, 'updateSharedData');
    checkData(value, `updateSharedData("${key}") value`, { limits: this.#d.limits, mode: 'entry' });
    this.#w.sharedDataSet(key, value);
  }

  /** Appends a copy of `entry` with an ISO `timestamp` (kept if the entry has one). Non-object → INVALID_ARGUMENT. */
  appendToSharedLog(entry: Record<string, unknown>): void {
    assertPayload(entry, 'appendToSharedLog(entry)');
    checkData(entry, 'appendToSharedLog(entry)', { limits: this.#d.limits, mode: 'entry' });
    const ts = typeof entry['timestamp'] === 'string' ? entry['timestamp'] : new Date(this.#w.clock.now()).toISOString();
    this.#w.sharedLogAppended({ ...entry, timestamp: ts });
  }

  /** Sets where `sendOutput` records go (undefined: only the output log). */
  setOutputHandler(handler: OutputHandler | undefined): void {
    if (handler !== undefined && (typeof handler !== 'object' || handler === null || typeof handler.handle !== 'function')) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `setOutputHandler expects an object with handle(record), e.g. new CallbackOutputHandler(fn); got ${describe(handler)}.`);
    }
    this.#outputHandler = handler;
  }

  /** Appends an output record and passes it to the output handler (whose errors are swallowed). */
  sendOutput(routineId: string, outputType: string, data: unknown): void {
    checkData(data, `sendOutput("${outputType}") data`, { limits: this.#d.limits, mode: 'bounded' });
    const record: OutputRecord = { jobId: this.#d.jobId, routineId, outputType, data, timestamp: new Date(this.#w.clock.now()) };
    this.#w.outputAppended(record);
    this.#run?.onOutput?.(routineId, outputType, data);
    if (this.#outputHandler !== undefined) {
      try {
        this.#outputHandler.handle(record);
      } catch {
        // An output sink must never break the job; the record is in outputLog regardless.
      }
    }
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
    const previous = this.getRoutineActivationPolicy(routineId);
    this.#w.policyChanged(routineId, policy);
    try {
      this.#run?.onPolicyOverride?.(routineId);
    } catch (error) {
      this.#w.policyChanged(routineId, previous);
      throw error;
    }
    this.#w.touch();
  }

  /** Removes this job's policy override of one routine; returns whether there was one. */
  removeRoutineActivationPolicy(routineId: string): boolean {
    const had = this.getRoutineActivationPolicy(routineId) !== undefined;
    if (had) {
      this.#w.policyChanged(routineId, undefined);
      this.#w.touch();
      if (this.#run?.onPolicyOverride !== undefined && !this.isFinished) this.#run.onPolicyOverride(routineId);
    }
    return had;
  }

  /** Stores an event to emit once on the next resume. */
  addDeferredEvent(routineId: string, eventName: string, data: Record<string, unknown>): void {
    assertPayload(data, 'deferred event data');
    checkData(data, `emitDeferredEvent("${eventName}") data`, { limits: this.#d.limits, mode: 'bounded' });
    this.#w.deferredAdded({ routineId, eventName, data: { ...data } });
  }

  // ---------------------------------------------------------------- documents

  /**
   * The job as a JSON-safe object: every field, pending work, per-job slot buffers, retry
   * counts, history; dates as ISO strings. A running job is captured as a snapshot (see
   * docs/persistence.md for what that means for activations in flight).
   */
  serialize(): SerializedJobState {
    const run = this.#run;
    return jobToDocument(this.#d, this.#d.status === 'running' && run !== undefined ? run.snapshotPending() : this.#d.pendingTasks);
  }

  /** Rebuilds a JobState from `serialize()` output; malformed input is a typed error. */
  static deserialize(data: unknown): JobState {
    return JobState.#fromData(jobFromDocument(data));
  }

  /** Writes the job to `path` as JSON (directories are created; the file is replaced atomically). */
  save(path: string): Promise<void> {
    try {
      return saveJobDocument(path, this.serialize(), 'save(path)');
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Reads a job written by `save`. Missing file → `FILE_NOT_FOUND`; bad content → `INVALID_FORMAT`. */
  static load(path: string): Promise<JobState> {
    return loadJobDocument(path, 'JobState.load(path)').then((doc) => JobState.deserialize(doc));
  }

  static #fromData(data: JobData): JobState {
    const state = new JobState(data.flowId, { jobId: data.jobId, historyLimit: data.history.capacity });
    Object.assign(state.#d, data);
    return state;
  }

  /**
   * Resolves true when the job is no longer running (completed, failed, cancelled or
   * paused), false on timeout (the status is left untouched). `onProgress` is called every
   * `progressInterval` ms (default 1000) and once at the end.
   */
  static waitForCompletion(flow: { readonly flowId: string }, jobState: JobState, options: WaitOptions = NO_OPTIONS): Promise<boolean> {
    if (!(jobState instanceof JobState)) {
      return Promise.reject(new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitForCompletion needs a JobState; got ${describe(jobState)}.`));
    }
    return waitForCompletion(flow, jobState, options);
  }

  // ---------------------------------------------------------------- the engine's side (@internal)

  /** @internal the one way the engine changes this job (see JobWriter). */
  get writer(): JobWriter {
    return this.#w;
  }

  /** @internal the run driving this job in this process, if any. */
  get liveRun(): JobRunLink | undefined {
    return this.#run;
  }

  /** @internal a run takes over this job: its clock dates the job from now on. */
  attach(run: JobRunLink): void {
    this.#run = run;
    this.#w.attached(run.clock);
  }
}
