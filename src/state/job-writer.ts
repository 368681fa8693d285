import { appendInto } from '../graph/merge-strategy.js';
import type { ResolvedLimits } from '../flow/limits.js';
import type { ActivationPolicy } from '../policies/activation-policy.js';
import type { JobChanges } from '../ports/job-store.js';
import type { Clock } from '../runtime/clock.js';
import { ChangeRecorder } from './job-changes.js';
import type { JobData } from './job-data.js';
import { assertTransition } from './job-transitions.js';
import type { BreakpointEntry, BreakpointPass } from './breakpoint-types.js';
import type { CompiledExpression } from '../expressions/index.js';
import type { DeferredEvent, JobError, JobStatus, PendingTask, RoutineStateRecord, RoutineStatus } from './job-types.js';

const own = Object.prototype.hasOwnProperty;

/**
 * @internal The one way a job changes. A JobState keeps its data private and hands the
 * engine this writer (`jobState.writer`); every change the engine makes is one of its intent
 * methods, so it can check status transitions, date changes by the job's clock and, while a
 * durable store records the job, collect each change for the next commit. With no store the
 * recorder is undefined and each intent costs one comparison more than a field write.
 */
export class JobWriter {
  /** Changes since the last commit, while a durable store records this job. */
  private log: ChangeRecorder | undefined;
  /** Routine records by plan-node index, for the activation hot path (reset when a run attaches). */
  private records: (RoutineStateRecord | undefined)[] = [];

  constructor(
    /** The job's data (the JobState's private record). */
    readonly d: JobData,
    /** Dates every change; a run that takes the job over sets its own. */
    public clock: Clock,
  ) {}

  /** Current status. */
  get status(): JobStatus {
    return this.d.status;
  }

  /** True when the job is completed, failed or cancelled. */
  get isFinished(): boolean {
    const s = this.d.status;
    return s === 'completed' || s === 'failed' || s === 'cancelled';
  }

  /** The job's id. */
  get jobId(): string {
    return this.d.jobId;
  }

  /** A new run takes over: its clock dates the job, and plan-node indexes start over. */
  attached(clock: Clock): void {
    this.clock = clock;
    this.records = [];
  }

  /**
   * A routine record is patched (`updateRoutineState`). In place: a running activation holds
   * on to the record and sets its status when it ends, so replacing the object would lose that.
   */
  routinePatched(routineId: string, patch: Partial<RoutineStateRecord>): void {
    const states = this.d.routineStates;
    const prev = own.call(states, routineId) ? states[routineId] : undefined;
    if (prev === undefined) states[routineId] = { status: 'running', ...patch } as RoutineStateRecord;
    else Object.assign(prev, patch);
    this.log?.entry('routineStates', routineId);
    this.touch();
  }

  /** One shared value changed. */
  sharedDataSet(key: string, value: unknown): void {
    this.d.sharedData[key] = value;
    this.log?.entry('sharedData', key);
    this.touch();
  }

  /** An entry was appended to the shared log. */
  sharedLogAppended(entry: Record<string, unknown> & { timestamp: string }): void {
    this.d.sharedLog.push(entry);
    this.log?.append('sharedLog', entry);
    this.touch();
  }

  /** An output record was appended. */
  outputAppended(record: { jobId: string; routineId: string; outputType: string; data: unknown; timestamp: Date }): void {
    this.d.outputLog.push(record);
    this.log?.append('outputLog', { ...record, timestamp: record.timestamp.toISOString() });
  }

  /** A per-job policy override was set or removed. */
  policyChanged(routineId: string, policy: ActivationPolicy | undefined): void {
    const policies = (this.d.activationPolicies ??= new Map());
    if (policy === undefined) policies.delete(routineId);
    else policies.set(routineId, policy);
    this.log?.entry('activationPolicies', routineId);
  }

  /** A deferred event was stored. */
  deferredAdded(event: DeferredEvent): void {
    this.d.deferredEvents.push(event);
    this.log?.append('deferredEvents', { ...event });
    this.touch();
  }


  /** @internal the running-time budget in force (ms), if set. */
  get timeoutBudget(): number | undefined {
    return this.d.timeoutMs;
  }

  /** @internal running time used against the budget (ms). */
  get elapsedMs(): number {
    return this.d.elapsedMs;
  }

  /** @internal the limits of this job. */
  get limits(): ResolvedLimits {
    return this.d.limits;
  }

  /** @internal sets the limits of this job (its flow's, or its Runtime's) when a run takes it. */
  setLimits(limits: ResolvedLimits): void {
    this.d.limits = limits;
  }

  /** @internal activations started so far, retries included. */
  get activations(): number {
    return this.d.activations;
  }

  /** @internal counts one started activation (the step limit counts them). */
  countActivation(): void {
    this.d.activations++;
    this.log?.field('activationCount');
  }

  /** @internal an activation still running when its job ended: a `running` record becomes `failed` with the job's reason. */
  routineCutLoose(routineId: string, error: { code: string; message: string }): void {
    const rec = this.recordOf(routineId);
    if (rec.status !== 'running') return;
    rec.status = 'failed';
    rec.error = error;
    this.log?.entry('routineStates', routineId);
  }

  /** @internal sets the running-time budget of this job (ms). */
  setTimeoutBudget(ms: number): void {
    this.d.timeoutMs = ms;
    this.log?.field('timeoutMs');
  }

  /** @internal adds a running segment to the time used against the budget. */
  addElapsed(ms: number): void {
    this.d.elapsedMs += ms;
    this.log?.field('elapsedMs');
  }

  /** @internal moves the job to `status` (checked against the transition table), dated `at` (default: a read of the job's clock). */
  transition(status: JobStatus, at?: number): void {
    assertTransition(this.d.jobId, this.d.status, status);
    this.d.status = status;
    this.log?.field('status');
    this.touch(at);
  }

  /** @internal reserves `count` task sequence numbers and returns the first. */
  takeTaskSeq(count = 1): number {
    const seq = this.d.nextTaskSeq;
    this.d.nextTaskSeq = seq + count;
    this.log?.field('nextTaskSeq');
    return seq;
  }

  /** @internal appends a history entry dated `at` (wall-clock ms of the job's clock). */
  record(routineId: string, eventName: string, data: unknown, at: number): void {
    const history = this.d.history;
    history.record(routineId, eventName, data, at);
    const log = this.log;
    if (log !== undefined) {
      log.append('executionHistory', { routineId, eventName, data, timestamp: new Date(at).toISOString() });
      log.field('historyDropped');
    }
  }

  /** @internal sets the routine whose activation started last. */
  setCurrentRoutine(routineId: string): void {
    this.d.currentRoutineId = routineId;
    this.log?.field('currentRoutineId');
  }

  /**
   * @internal an activation of routine `routineId` (plan node `index`) starts: it becomes the
   * current routine, a first attempt counts as an execution, a `completed` record goes back
   * to `running`.
   */
  activationStarted(index: number, routineId: string, firstAttempt: boolean): void {
    const d = this.d;
    d.currentRoutineId = routineId;
    const rec = this.records[index] ?? this.recordAt(index, routineId);
    if (firstAttempt) rec.executions = (rec.executions ?? 0) + 1;
    if (rec.status === 'completed') rec.status = 'running';
    const log = this.log;
    if (log !== undefined) {
      log.field('currentRoutineId');
      log.entry('routineStates', routineId);
    }
  }

  /** @internal an activation of plan node `index` succeeded: a `running` record becomes `completed` (failure statuses stick). */
  activationSucceeded(index: number, routineId: string): void {
    const rec = this.records[index] ?? this.recordAt(index, routineId);
    if (rec.status === 'running') {
      rec.status = 'completed';
      this.log?.entry('routineStates', routineId);
    }
  }

  /** @internal records a routine's last error. */
  routineFailed(routineId: string, error: { code: string; message: string }): void {
    this.recordOf(routineId).error = error;
    this.log?.entry('routineStates', routineId);
  }

  /** @internal sets a routine's outcome status (`failed`, `error_continued`, `skipped`). */
  setRoutineStatus(routineId: string, status: RoutineStatus): void {
    this.recordOf(routineId).status = status;
    this.log?.entry('routineStates', routineId);
  }

  /** @internal counts one retry of a routine. */
  countRetry(routineId: string): void {
    const rec = this.recordOf(routineId);
    rec.retryCount = (rec.retryCount ?? 0) + 1;
    this.log?.entry('routineStates', routineId);
  }

  /** @internal why the job failed. */
  setError(error: JobError): void {
    this.d.error = error;
    this.log?.field('error');
  }

  /** @internal the reason of a cancel. */
  setCancelReason(reason: string): void {
    this.d.cancelReason = reason;
    this.log?.field('cancelReason');
  }

  /** @internal cancels a job that no run drives (restored or pending): status `cancelled`, pending work dropped. */
  cancelDetached(reason: string): void {
    this.setCancelReason(reason);
    this.replacePendingTasks([]);
    this.transition('cancelled');
  }

  /** @internal keeps a task as pending work (paused job). */
  addPendingTask(task: PendingTask): void {
    this.d.pendingTasks.push(task); // a store learns of pending work through commits' produced and consumed tasks
  }

  /** @internal drops the pending task `taskId`; true when it was pending. */
  removePendingTask(taskId: string): boolean {
    const at = this.d.pendingTasks.findIndex((t) => t.taskId === taskId);
    if (at < 0) return false;
    this.d.pendingTasks.splice(at, 1);
    return true;
  }

  /** @internal replaces the pending tasks, returning the previous ones. */
  replacePendingTasks(tasks: PendingTask[]): PendingTask[] {
    const previous = this.d.pendingTasks;
    this.d.pendingTasks = tasks;
    return previous;
  }

  /** @internal takes the deferred events (they are emitted once, on resume). */
  takeDeferredEvents(): DeferredEvent[] {
    const events = this.d.deferredEvents;
    this.d.deferredEvents = [];
    this.log?.replaced('deferredEvents');
    return events;
  }

  /** @internal records a pause point dated `at`. */
  recordPause(at: number, reason: string, checkpoint: unknown): void {
    const point = { timestamp: new Date(at), reason, checkpoint, pendingTaskCount: this.d.pendingTasks.length };
    this.d.pausePoints.push(point);
    this.log?.append('pausePoints', { timestamp: point.timestamp.toISOString(), reason, checkpoint, pendingTaskCount: point.pendingTaskCount });
  }

  /** @internal the job's slot buffer under `key` (created empty). */
  slotBuffer(key: string): Record<string, unknown> {
    const buffers = (this.d.slotBuffers ??= new Map());
    let buffer = buffers.get(key);
    if (buffer === undefined) {
      buffer = {};
      buffers.set(key, buffer);
    }
    return buffer;
  }

  /** @internal appends `incoming` into the slot buffer under `key`; returns the handler's snapshot copy. */
  appendToSlotBuffer(key: string, incoming: Record<string, unknown>): Record<string, unknown> {
    const merged = appendInto(this.slotBuffer(key), incoming);
    this.log?.entry('slotBuffers', key);
    return merged;
  }

  /** @internal replaces the slot buffer under `key` (a custom merge's result). */
  setSlotBuffer(key: string, buffer: Record<string, unknown>): void {
    (this.d.slotBuffers ??= new Map()).set(key, buffer);
    this.log?.entry('slotBuffers', key);
  }

  /** @internal routines with a per-job policy override. */
  overriddenRoutines(): IterableIterator<string> {
    return (this.d.activationPolicies ?? new Map<string, ActivationPolicy>()).keys();
  }

  /** @internal the live slot queues of one logic routine (read only), if it has any. */
  liveSlotQueues(routineId: string): Readonly<Record<string, readonly Record<string, unknown>[]>> | undefined {
    const all = this.d.slotQueues;
    return all !== undefined && own.call(all, routineId) ? all[routineId] : undefined;
  }

  /** @internal ids of the logic routines with slot queues in this job. */
  slotQueueRoutines(): string[] {
    return Object.keys(this.d.slotQueues ?? {});
  }

  /** @internal makes sure routine `routineId` has a queue for each of `names`; returns its live queues. */
  ensureSlotQueues(routineId: string, names: readonly string[]): Readonly<Record<string, readonly Record<string, unknown>[]>> {
    const all = (this.d.slotQueues ??= {});
    let queues = own.call(all, routineId) ? all[routineId] : undefined;
    if (queues === undefined) {
      queues = {};
      all[routineId] = queues;
      this.log?.entry('slotQueues', routineId);
    }
    for (const name of names) {
      if (!own.call(queues, name)) {
        queues[name] = [];
        this.log?.entry('slotQueues', routineId);
      }
    }
    return queues;
  }

  /** @internal appends one payload to a slot queue of a logic routine (the queue exists). */
  pushSlotData(routineId: string, slotName: string, payload: Record<string, unknown>): void {
    this.d.slotQueues![routineId]![slotName]!.push(payload);
    this.log?.entry('slotQueues', routineId);
  }

  /** @internal removes and returns the first `count` payloads of a slot queue. */
  takeSlotData(routineId: string, slotName: string, count: number): Record<string, unknown>[] {
    const queue = this.d.slotQueues?.[routineId]?.[slotName];
    if (queue === undefined || count === 0) return [];
    this.log?.entry('slotQueues', routineId);
    return queue.splice(0, count);
  }

  /** @internal wall time of a logic routine's last activation in this job. */
  lastActivationOf(routineId: string): number | undefined {
    const all = this.d.lastActivationAt;
    return all !== undefined && own.call(all, routineId) ? all[routineId] : undefined;
  }

  /** @internal records a logic routine's activation time. */
  setLastActivation(routineId: string, at: number): void {
    (this.d.lastActivationAt ??= {})[routineId] = at;
    this.log?.entry('lastActivationAt', routineId);
  }

  /** @internal stores one capture of a breakpoint policy. */
  captureDebug(routineId: string, captured: Record<string, Record<string, unknown>[]>): void {
    const all = (this.d.debugData ??= {});
    (own.call(all, routineId) ? all[routineId]! : (all[routineId] = [])).push(captured);
    this.log?.entry('debugData', routineId);
  }

  /** @internal the job's breakpoints; undefined while there are none (the engine's one check per activation). */
  get breakpoints(): readonly BreakpointEntry[] | undefined {
    return this.d.breakpoints;
  }

  /** @internal the activation that hit a breakpoint and has not run yet. */
  get breakpointPass(): BreakpointPass | undefined {
    return this.d.breakpointPass;
  }

  /** @internal adds a breakpoint (already checked against the flow); returns it with its new id. */
  addBreakpoint(routineId: string, slot: string | undefined, condition: CompiledExpression | undefined): BreakpointEntry {
    const entry: BreakpointEntry = { id: `bp${++this.d.breakpointSeq}`, routineId, slot, condition, hits: 0 };
    (this.d.breakpoints ??= []).push(entry);
    this.log?.field('breakpoints');
    this.touch();
    return entry;
  }

  /** @internal removes the breakpoint `id`; false when the job has none with that id. */
  removeBreakpoint(id: string): boolean {
    const list = this.d.breakpoints;
    const at = list === undefined ? -1 : list.findIndex((b) => b.id === id);
    if (at < 0) return false;
    list!.splice(at, 1);
    if (list!.length === 0) this.d.breakpoints = undefined;
    this.log?.field('breakpoints');
    this.touch();
    return true;
  }

  /** @internal the job pauses at `entry` before activation `taskId` (attempt `attempt`): one more hit, and that activation passes next time. */
  breakpointHit(entry: BreakpointEntry, taskId: string, attempt: number): void {
    entry.hits++;
    this.d.breakpointPass = { taskId, attempt };
    const log = this.log;
    if (log !== undefined) {
      log.field('breakpoints');
      log.field('breakpointPass');
    }
  }

  /** @internal the activation that hit a breakpoint runs now. */
  clearBreakpointPass(): void {
    if (this.d.breakpointPass === undefined) return;
    this.d.breakpointPass = undefined;
    this.log?.field('breakpointPass');
  }

  /** @internal the job's trace context changed. */
  traceContextSet(carrier: Record<string, string> | undefined): void {
    this.d.traceContext = carrier;
    this.log?.field('traceContext');
  }

  /** @internal starts recording changes for a durable store (every change from now on is collected). */
  recordChanges(): void {
    this.log ??= new ChangeRecorder();
  }

  /** @internal true when changes were recorded since the last `takeChanges`. */
  get hasChanges(): boolean {
    return this.log !== undefined && !this.log.isEmpty;
  }

  /** @internal the changes since the last call, as changes to the serialized document; undefined when not recording. */
  takeChanges(): JobChanges | undefined {
    const log = this.log;
    if (log === undefined) return undefined;
    log.field('tracker');
    return log.take(this.d);
  }

  /** @internal marks the job changed at `at` (default: now, by the job's clock). */
  touch(at?: number): void {
    this.d.updatedAtMs = at ?? this.clock.now();
    this.log?.field('updatedAt');
  }

  private recordOf(routineId: string): RoutineStateRecord {
    const states = this.d.routineStates;
    let rec = own.call(states, routineId) ? states[routineId] : undefined;
    if (rec === undefined) {
      rec = { status: 'running', executions: 0, retryCount: 0 };
      states[routineId] = rec;
    }
    return rec;
  }

  private recordAt(index: number, routineId: string): RoutineStateRecord {
    const rec = this.recordOf(routineId);
    this.records[index] = rec;
    return rec;
  }
}
