import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError, type RoutiluxError } from '../errors/routilux-error.js';
import type { ErrorHandler } from '../flow/error-handler.js';
import type { MergeFunction } from '../graph/merge-strategy.js';
import type { ExecutionFlow } from '../routine/execution-context.js';
import type { JobState } from '../state/job-state.js';
import type { JobRunLink } from '../state/job-link.js';
import type { JobWriter } from '../state/job-writer.js';
import type { RoutineStats } from '../state/execution-tracker.js';
import type { PendingTask } from '../state/job-types.js';
import { describe, isPlainObject, toError } from '../utils/guards.js';
import { checkData, isPlainTopLevel } from '../utils/json-data.js';
import type { Clock } from './clock.js';
import { currentContext, runHandler, syncContext } from './context-store.js';
import { SlotKind, type FlowPlan, type PlanNode, type PlanSlot } from './flow-plan.js';
import { PolicyEngine, runLogic, type PolicyRun } from './policy-engine.js';
import { Lane } from './lane.js';
import type { Scheduler } from './scheduler.js';
import { FanOutRest, Task, taskIdOf, type ActivationSession } from './task.js';
import { JobTimeout } from './job-timeout.js';
import { applyMapping, toPending } from './pending-work.js';
import { RetryWaits, type WaitingRetry } from './retry-waits.js';
import { decideFailure, errorCode } from './error-policy.js';
import { DurableRun, type DurableOwner, type HeldDelivery } from './durable-run.js';
import type { JobStore } from '../ports/job-store.js';
import { ActivationLife, activationEnded, activationTimeout, jobAbortReason } from './activation-life.js';
import { MAX_TIMEOUT } from '../flow/flow-options.js';
import type { ResolvedLimits } from '../flow/limits.js';
import { JobEvents, type EventHub } from './job-events.js';
import type { BreakpointEntry } from '../state/breakpoint-types.js';

/** A `step` in progress: the activation it runs, and its caller. */
interface StepState {
  readonly seq: number;
  readonly taskId: string;
  /** True once that activation was dispatched. */
  started: boolean;
  readonly resolve: (result: { taskId: string | null }) => void;
}


const NO_TASKS: readonly Task[] = [];
const NO_WAITS: readonly WaitingRetry[] = [];

/**
 * @internal The flow as a run needs it: its id and error handler, and the object handlers
 * see as `ctx.flow` (the engine never calls anything else on it).
 */
export interface RunFlow extends ExecutionFlow {
  getErrorHandler(): ErrorHandler | undefined;
}

/** @internal how a JobRun is created. */
export interface JobRunOptions {
  readonly flow: RunFlow;
  readonly plan: FlowPlan;
  readonly state: JobState;
  readonly clock: Clock;
  /** Running-time budget in ms. */
  readonly timeout: number;
  /** The scheduler the job runs on (its flow's, or a Runtime's shared one). */
  readonly scheduler: Scheduler;
  /** Most activations of this job at once. */
  readonly maxWorkers: number;
  /** The job's limits (its flow's, or its Runtime's); the step limit is `maxActivationsPerJob`. */
  readonly limits: ResolvedLimits;
  /** The flow's event hub. */
  readonly hub: EventHub;
  /** The Runtime's event hub, for jobs of a Runtime. */
  readonly runtimeHub?: EventHub | undefined;
  /** A durable store: every activation is committed through it before its deliveries run. */
  readonly store?: JobStore | undefined;
  /** The registry name the job runs under (recorded by the store). */
  readonly flowName?: string | undefined;
}

/**
 * @internal Drives one job: enqueues its activations, applies error policies, keeps the
 * pending count, and settles on completion, failure, timeout, cancel or pause. All
 * run-time state lives here or in the JobState, never in routines.
 */
export class JobRun implements JobRunLink, PolicyRun, DurableOwner {
  readonly flow: RunFlow;
  readonly plan: FlowPlan;
  readonly state: JobState;
  /** The one way this run changes its job. */
  private readonly w: JobWriter;
  readonly clock: Clock;
  readonly lane: Lane;
  /** The job's event stream (see job-events.ts); every emission site checks `ev.on` first. */
  readonly ev: JobEvents;
  private readonly scheduler: Scheduler;
  /** Queued + active + retries waiting. */
  private pending = 0;
  private active = 0;
  /** Retries waiting out their backoff (created on the first retry: most jobs never retry). */
  private retries: RetryWaits | undefined;
  private readonly stats: (RoutineStats | undefined)[] = [];
  /**
   * Wall-clock ms minus the scheduler's monotonic ms, to date history entries without a clock
   * read; NaN until first needed (`start` sets it from the reads it makes anyway).
   */
  private wallOffset = NaN;
  /** Why the job ended (failed, timed out, cancelled): the reason of every activation signal aborted by it. */
  private abortReason: Error | undefined;
  private readonly timeout: JobTimeout;
  private readonly maxActivations: number;
  /** Callers of `settled()` waiting (created on first use). */
  private settleWaiters: (() => void)[] | undefined;
  /**
   * Waiters for the activations to drain; `exclude` is the seq of a caller that waits from
   * inside its own activation; `late`: also for the handlers cut loose when the job ended (cancel).
   */
  private idleWaiters: { exclude: number; resolve: () => void; late: boolean }[] | undefined;
  /** Asynchronous activations awaiting their handler, with the session (worker) each holds (a running task's `data` is its merged input). */
  private inFlight: Map<Task, ActivationSession> | undefined;
  /** Activations with a signal that has not aborted yet. */
  private watched: Set<Task> | undefined;
  /** Handlers cut loose (activation timeout, job ended) that have not settled yet; they hold no worker. */
  private late: Set<Task> | undefined;
  /** Activation policies of this job's logic routines (created on first use). */
  private engine: PolicyEngine | undefined;
  /** The store side of the run when a store is configured; undefined (the in-memory path) otherwise. */
  private readonly durable: DurableRun | undefined;
  /** Called each time the job settles (finished, or paused with nothing active): the hosts that track this job. */
  private watcher: ((run: JobRun) => void) | undefined;
  /** Watchers after the first (a job is nearly always watched by its one host). */
  private moreWatchers: ((run: JobRun) => void)[] | undefined;
  /** True while the job has breakpoints or a step runs: the one check per activation of the debugger. */
  private debug: boolean;
  /** The step in progress, if any. */
  private stepping: StepState | undefined;
  /** True until this run first runs the job: a job restored in this process reports `job.started` when it resumes. */
  private fresh: boolean;

  constructor(options: JobRunOptions) {
    this.flow = options.flow;
    this.plan = options.plan;
    this.state = options.state;
    this.clock = options.clock;
    this.w = this.state.writer;
    this.w.setTimeoutBudget(options.timeout);
    this.w.setLimits(options.limits);
    this.scheduler = options.scheduler;
    this.maxActivations = options.limits.maxActivationsPerJob;
    this.lane = new Lane(this, options.maxWorkers);
    this.ev = new JobEvents(options.hub, () => this.wallNow(), this.state.jobId, this.flow.flowId);
    this.ev.runtime = options.runtimeHub;
    const previous = this.state.liveRun;
    this.fresh = previous === undefined;
    this.debug = this.w.breakpoints !== undefined;
    if (previous instanceof JobRun) {
      // a host keeps watching a job whose run is replaced
      this.watcher = previous.watcher;
      if (previous.moreWatchers !== undefined) this.moreWatchers = [...previous.moreWatchers];
    }
    this.state.attach(this);
    this.timeout = new JobTimeout(this.w, this.clock, () => this.onTimeout());
    if (options.store !== undefined) {
      this.durable = new DurableRun(options.store, this, this.state, options.flowName);
      this.durable.open(this.w.status === 'pending');
    }
  }

  /** Wall-clock time for history entries: the running activation's start inside a dispatch loop, else a clock read. */
  private wallNow(): number {
    if (!this.scheduler.inLoop) return this.clock.now();
    let offset = this.wallOffset;
    if (offset !== offset) offset = this.wallOffset = this.clock.now() - this.scheduler.clock.monotonic(); // NaN: not read yet
    return offset + this.scheduler.tick;
  }

  /** Duration in ms of an activation started at `started` (asynchronous and failed activations are timed on their own). */
  private elapsed(started: number): number {
    return this.scheduler.clock.monotonic() - started;
  }

  private statsOf(node: PlanNode): RoutineStats {
    let stats = this.stats[node.index];
    if (stats === undefined) {
      stats = this.state.tracker.statsOf(node.id);
      this.stats[node.index] = stats;
    }
    return stats;
  }

  /** The abort signal of one activation (created on first use; already aborted when the activation or its job has ended). */
  signalOf(task: Task): AbortSignal {
    const life = (task.life ??= new ActivationLife());
    if (life.controller === undefined) {
      life.controller = new AbortController();
      const reason = life.reason ?? this.abortReason;
      if (reason !== undefined) life.controller.abort(reason);
      else (this.watched ??= new Set()).add(task);
    }
    return life.controller.signal;
  }

  /** Calls `watcher` each time the job settles (once per watcher, however often it is added). */
  watch(watcher: (run: JobRun) => void): void {
    if (this.watcher === undefined) this.watcher = watcher;
    else if (this.watcher !== watcher && !(this.moreWatchers?.includes(watcher) ?? false)) (this.moreWatchers ??= []).push(watcher);
  }

  progress(): { queueSize: number; active: number } {
    return { queueSize: this.lane.size, active: this.active };
  }

  /** Resolves when the job stops running: finished, or paused with nothing active. */
  settled(): Promise<void> {
    if (this.isSettled()) return this.durable === undefined ? Promise.resolve() : this.durable.idle();
    return new Promise<void>((resolve) => (this.settleWaiters ??= []).push(resolve));
  }

  nodeOf(routine: object): PlanNode {
    const node = this.plan.byRoutine.get(routine as never);
    if (node === undefined) {
      throw new ExecutionError(ErrorCode.NO_EXECUTION_CONTEXT, `${(routine as { constructor: Function }).constructor.name} is not part of flow ${this.flow.flowId}; a routine can only emit within a job of a flow it was added to.`);
    }
    return node;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the job at `entry`'s trigger slot. */
  start(entry: PlanNode, params: Record<string, unknown>): void {
    const w = this.w;
    // One wall-clock read dates the transition and the start entry, and one monotonic read
    // starts the running segment and gives the wall-clock offset of the history entries.
    const now = this.clock.now();
    const mono = this.scheduler.clock.monotonic();
    this.wallOffset = now - mono;
    w.transition('running', now);
    w.setCurrentRoutine(entry.id);
    w.record(entry.id, 'start', params, now);
    this.timeout.arm(this.scheduler.clock === this.clock ? mono : undefined);
    this.fresh = false;
    if (this.ev.on) this.ev.jobStarted();
    this.deliver(entry.slots.get('trigger')!, { ...params }, w.takeTaskSeq(), 1, false, undefined);
  }

  /** Starts a job with no entry activation: its data arrives through `post`. Completes when idle like any job. */
  open(): void {
    this.w.transition('running');
    this.timeout.arm();
    this.fresh = false;
    if (this.ev.on) this.ev.jobStarted();
    queueMicrotask(() => this.checkDone());
  }

  /** Delivers external data to a slot of this running or paused job. A full logic slot queue → QUEUE_FULL thrown, nothing delivered. */
  post(node: PlanNode, slotName: string, data: Record<string, unknown>): void {
    const w = this.w;
    const slot = node.slots.get(slotName)!;
    if (node.logic !== undefined && w.status === 'running') this.policies().assertRoom(slot);
    w.record(node.id, 'post', data, this.clock.now());
    this.deliver(slot, { ...data }, w.takeTaskSeq(), 1, false, undefined);
  }

  /** Continues a paused or restored job: deferred events first, then pending tasks in order. */
  resume(): void {
    const w = this.w;
    this.running();
    const deferred = w.takeDeferredEvents();
    const pendingTasks = w.replacePendingTasks([]);
    for (const d of deferred) this.emitFrom(this.plan.nodes.get(d.routineId)!, d.eventName, d.data);
    for (const p of pendingTasks) {
      const pnode = this.plan.nodes.get(p.routineId)!;
      const slot = p.slotName === '' ? pnode.logicSlot! : pnode.slots.get(p.slotName)!; // '' = a logic activation
      const seq = Number(p.taskId.slice(1));
      if (p.delayMs > 0) this.waitRetry(new Task(this, slot, p.data, seq, Task.bitsOf(p.attempt, p.merged, false)), p.delayMs);
      else this.deliverNow(slot, p.data, seq, p.attempt, p.merged); // already durable: it was pending
    }
    // Logic routines with data waiting (kept across a pause, or restored from a saved job)
    // are evaluated again; a restored job has no engine yet, so it is created when needed.
    if (this.engine !== undefined || w.slotQueueRoutines().length > 0) this.policies().onResume();
    if (this.pending === 0 && this.active === 0) queueMicrotask(() => this.checkDone());
    this.durable?.scheduleFlush();
  }

  /** The job runs (again): status, timeout, and `job.started` the first time this process runs it, else `job.status`. */
  private running(): void {
    this.w.transition('running');
    this.timeout.arm();
    if (this.ev.on) {
      if (this.fresh) this.ev.jobStarted();
      else this.ev.status('running');
    }
    this.fresh = false;
  }

  /**
   * Runs exactly the first pending activation of this paused job (a retry waiting out its
   * delay runs at once) and pauses the job again once it has settled (reason `'step'`), its
   * emits kept as pending tasks. With nothing pending the job resumes, completes, and
   * `{ taskId: null }` is the result.
   */
  step(): Promise<{ taskId: string | null }> {
    const w = this.w;
    const pending = w.replacePendingTasks([]);
    const head = pending[0];
    if (head === undefined) {
      this.resume();
      return this.settled().then(() => ({ taskId: null }));
    }
    w.replacePendingTasks(pending.slice(1));
    this.running();
    const node = this.plan.nodes.get(head.routineId)!;
    const slot = head.slotName === '' ? node.logicSlot! : node.slots.get(head.slotName)!;
    const seq = Number(head.taskId.slice(1));
    this.pending++; // the step holds the job open until it pauses again
    const result = new Promise<{ taskId: string | null }>((resolve) => {
      this.stepping = { seq, taskId: head.taskId, started: false, resolve };
    });
    this.debug = true;
    this.deliverNow(slot, head.data, seq, head.attempt, head.merged);
    if (slot.viaPolicy) queueMicrotask(() => this.endStep()); // its routine's policy decides when it runs: the step is the delivery
    this.durable?.scheduleFlush();
    return result;
  }

  /** The stepped activation settled: the job pauses again. */
  private endStep(): void {
    const step = this.releaseStep();
    if (step !== undefined && this.w.status === 'running') void this.pause('step', { taskId: step.taskId });
  }

  /** Ends the step in progress, if any: its hold on the job goes, and its caller is answered once the job settles. */
  private releaseStep(): StepState | undefined {
    const step = this.stepping;
    if (step === undefined) return undefined;
    this.stepping = undefined;
    this.debug = this.w.breakpoints !== undefined;
    if (!this.w.isFinished) this.pending--;
    void this.settled().then(() => step.resolve({ taskId: step.taskId }));
    return step;
  }

  /** JobState hook: the job's breakpoints changed. */
  onBreakpoints(): void {
    this.debug = this.stepping !== undefined || this.w.breakpoints !== undefined;
  }

  /**
   * The debugger's look at a dispatched activation (only while the job has breakpoints or a
   * step runs). Returns the session to run it with, or undefined when it does not run now:
   * it hit a breakpoint (the job pauses before it, and it becomes the first pending task),
   * or a step runs another activation (it waits as a pending task).
   */
  private debugGate(task: Task, session: ActivationSession): ActivationSession | undefined {
    const w = this.w;
    const step = this.stepping;
    if (step !== undefined) {
      if (step.started || task.seq !== step.seq) {
        this.pending--;
        w.addPendingTask(toPending(task, 0));
        return undefined;
      }
      step.started = true;
      if (w.breakpointPass?.taskId === task.taskId) w.clearBreakpointPass();
      queueMicrotask(() => {
        if (!this.isRunning(task)) this.endStep(); // it ran synchronously
      });
      return { resume: (now?: number) => { session.resume(now); this.endStep(); } };
    }
    const list = w.breakpoints;
    if (list === undefined) return session;
    const pass = w.breakpointPass;
    if (pass !== undefined && pass.taskId === task.taskId && pass.attempt === task.attempt) {
      w.clearBreakpointPass(); // it hit already: it runs now
      return session;
    }
    const hit = this.matchBreakpoint(list, task);
    if (hit === undefined) return session;
    this.pending--;
    w.addPendingTask(toPending(task, 0));
    w.breakpointHit(hit, task.taskId, task.attempt);
    if (this.ev.on) this.ev.breakpointHit(hit.id, task);
    void this.pause('breakpoint', { breakpointId: hit.id, taskId: task.taskId });
    return undefined;
  }

  /** The first breakpoint that matches `task` and whose condition holds on its input (a condition that cannot be evaluated does not hold). */
  private matchBreakpoint(list: readonly BreakpointEntry[], task: Task): BreakpointEntry | undefined {
    const slot = task.slot;
    const routineId = slot.node.id;
    let input: Record<string, unknown> | undefined;
    for (const bp of list) {
      if (bp.routineId !== routineId || (bp.slot !== undefined && bp.slot !== slot.name)) continue;
      if (bp.condition === undefined) return bp;
      input ??= this.mergedInput(task);
      if (input === undefined) continue;
      try {
        if (bp.condition.test(input)) return bp;
      } catch {
        // evaluated on a payload it cannot read: the condition does not hold
      }
    }
    return undefined;
  }

  /** What the handler of `task` will receive: merged now when its slot merges (the task is then marked merged), undefined when the merge throws. */
  private mergedInput(task: Task): Record<string, unknown> | undefined {
    const slot = task.slot;
    if (task.merged || slot.merge === 'override') return task.data;
    try {
      const merged = this.merge(slot, task.shared ? { ...task.data } : task.data);
      task.data = merged;
      task.bits = Task.bitsOf(task.attempt, true, false);
      return merged;
    } catch {
      return undefined; // the activation runs and its merge fails there, under its error strategy
    }
  }

  /** Stops dispatch, keeps queued work as pending tasks, records one pause point. */
  pause(reason: string, checkpoint: unknown): Promise<void> {
    const w = this.w;
    this.releaseStep();
    w.transition('paused');
    this.timeout.disarm();
    for (const task of this.scheduler.takeLane(this.lane)) {
      this.pending--;
      if (task.slot.kind !== SlotKind.EVALUATE) w.addPendingTask(toPending(task, 0)); // evaluations are redone on resume
    }
    for (const r of this.retries?.clear() ?? NO_WAITS) {
      this.pending--;
      if (r.task.slot.kind !== SlotKind.EVALUATE) w.addPendingTask(toPending(r.task, r.remaining));
    }
    const now = this.clock.now();
    this.engine?.onPause();
    w.recordPause(now, reason, checkpoint);
    if (this.ev.on) this.ev.status('paused');
    this.durable?.scheduleFlush(true);
    // The job settles (execute/resume resolve) once nothing is active; the pause promise of
    // a handler that paused its own job resolves once every *other* activation is done, so
    // awaiting it from inside cannot deadlock.
    this.notifySettled();
    const exclude = this.callerSeq();
    const idle = this.idleExcept(exclude)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          (this.idleWaiters ??= []).push({ exclude, resolve, late: false });
        });
    return this.durable === undefined ? idle : idle.then(() => this.durable!.idle()); // with a store: once the pause is written
  }

  /** Cancels: status at once, queued work dropped, handlers aborted; resolves when they settle or after `grace` ms. */
  cancel(reason: string, grace: number): Promise<void> {
    this.w.setCancelReason(reason);
    this.terminate('cancelled', new ExecutionError(ErrorCode.JOB_CANCELLED, `Job ${this.state.jobId} was cancelled${reason ? `: ${reason}` : ''}.`, { details: { reason } }));
    // a handler cancelling its own job waits only for the *other* activations (no self-deadlock)
    const exclude = this.callerSeq();
    if (grace === 0 || (this.idleExcept(exclude) && this.lateExcept(exclude))) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: unknown;
      const done = (): void => {
        this.clock.clearTimeout(timer);
        resolve();
      };
      (this.idleWaiters ??= []).push({ exclude, resolve: done, late: true });
      timer = this.clock.setTimeout(done, grace);
    });
  }

  // ---------------------------------------------------------------- emitting

  /** Emits `eventName` of `node`; `from` is the emitting activation (its deliveries wait for its commit when a store is configured). */
  emitFrom(node: PlanNode, eventName: string, data: unknown, from?: Task): void {
    const event = node.events.get(eventName);
    if (event === undefined) {
      throw new DefinitionError(
        ErrorCode.UNKNOWN_EVENT,
        `Routine "${node.id}" has no event "${String(eventName)}"; declare it with defineEvent or @Event. Known events: ${[...node.events.keys()].join(', ') || '(none)'}.`,
        { details: { routineId: node.id, event: String(eventName) } },
      );
    }
    if (!isPlainTopLevel(data)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `emit("${eventName}") payload must be a plain object such as { value: 1 }; got ${describe(data)}.`, {
        details: { routineId: node.id, event: eventName },
      });
    }
    const w = this.w;
    const status = w.status;
    if (status !== 'running' && status !== 'paused') {
      if (from !== undefined) this.lateEmit(from); // finished job: late emits are fenced off, and recorded
      return;
    }
    w.record(node.id, eventName, data, this.wallNow());
    this.state.tracker.events++;
    // with a subscriber, the deliveries' task ids go out with `event.emitted` (after they are
    // taken, before any of them can run: dispatch starts from a microtask)
    const ids: string[] | undefined = this.ev.on ? [] : undefined;
    // Every target gets a new top-level object, taken now, so the emitter changing its
    // object after emit() cannot reach any delivery. A fan-out shares one such copy among
    // its queued deliveries; each target but the last copies it again when it is dispatched,
    // and the last one takes it (see Lane.shift).
    const payload = data as Record<string, unknown>;
    const targets = event.targets;
    if (status === 'running' && event.fanOut && this.durable === undefined) {
      const first = w.takeTaskSeq(targets.length);
      this.pending += targets.length;
      this.scheduler.enqueueFan(this.lane, new FanOutRest(targets, { ...payload }, first));
      if (ids !== undefined) {
        for (let i = 0; i < targets.length; i++) ids.push(taskIdOf(first + i));
        this.ev.emitted(node.id, eventName, ids, from?.taskId);
      }
      return;
    }
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!;
      const seq = w.takeTaskSeq();
      ids?.push(taskIdOf(seq));
      this.deliver(target.slot, target.mapping === null ? { ...payload } : applyMapping(payload, target.mapping), seq, 1, false, from);
    }
    if (ids !== undefined) this.ev.emitted(node.id, eventName, ids, from?.taskId);
  }

  private deliver(slot: PlanSlot, data: Record<string, unknown>, seq: number, attempt: number, merged: boolean, from: Task | undefined): void {
    if (this.durable !== undefined) {
      this.pending++; // held work keeps the job from completing
      this.durable.hold({ slot, data, seq, bits: Task.bitsOf(attempt, merged, false) }, from);
      return;
    }
    this.deliverNow(slot, data, seq, attempt, merged);
  }

  /** Deliveries whose commit is written: they run now (or wait as pending tasks when paused; a finished job drops them). */
  release(held: readonly HeldDelivery[]): void {
    for (const h of held) {
      this.pending--;
      if (this.w.isFinished) continue;
      if (h.slot.viaPolicy && this.w.status === 'running') this.durable!.consumedTask(h.seq);
      this.deliverNow(h.slot, h.data, h.seq, h.bits >>> 2, (h.bits & 1) !== 0);
    }
    if (this.w.isFinished) this.pending = this.active;
    this.afterActivation();
  }

  /** A commit could not be written: the job fails with the store's error (nothing it did not record runs). */
  commitFailed(error: Error): void {
    if (this.w.isFinished) return;
    this.w.setError({ code: errorCode(error), message: error.message });
    this.terminate('failed', error);
  }

  private deliverNow(slot: PlanSlot, data: Record<string, unknown>, seq: number, attempt: number, merged: boolean): void {
    const bits = Task.bitsOf(attempt, merged, false);
    if (this.w.status === 'paused') {
      this.w.addPendingTask(toPending(new Task(this, slot, data, seq, bits), 0));
      return;
    }
    if (slot.viaPolicy) {
      this.policies().accept(new Task(this, slot, data, seq, bits)); // a logic routine: the data waits in the job's slot queue
      return;
    }
    this.pending++;
    this.scheduler.enqueue(this.lane, slot, data, seq, bits);
  }

  // ---------------------------------------------------------------- activation policies (see policy-engine.ts)

  private policies(): PolicyEngine {
    return (this.engine ??= new PolicyEngine(this));
  }

  /** Counts `promise` as pending work of the job until it settles (ctx.waitUntil). */
  holdFor(task: Task, promise: PromiseLike<unknown>): void {
    if (promise === null || typeof promise !== 'object' || typeof promise.then !== 'function') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitUntil(promise) needs a promise; got ${describe(promise)}.`);
    }
    if (this.w.isFinished) return;
    this.pending++;
    const life = (task.life ??= new ActivationLife());
    life.holds++;
    const done = (): void => {
      if (--life.holds === 0 && life.ended) this.abortActivation(task, activationEnded(task));
      if (this.w.isFinished) return; // terminate already dropped this hold from the count
      this.pending--;
      this.afterActivation();
      this.durable?.scheduleFlush();
    };
    promise.then(done, (error: unknown) => {
      if (!this.w.isFinished) {
        const e = toError(error);
        this.w.record(task.slot.node.id, 'error', { slot: task.slot.name, error: e.message, code: errorCode(e), attempt: task.attempt, detached: true }, this.clock.now());
      }
      done();
    });
  }

  /** Enqueues a task counted as pending work. */
  enqueueTask(task: Task): void {
    this.pending++;
    this.scheduler.enqueue(this.lane, task.slot, task.data, task.seq, task.bits);
  }

  /** ctx.schedule: a delivery to a slot of `from`'s routine after `delayMs`, kept as pending work of the job. */
  scheduleFrom(from: Task, slotName: string, data: Record<string, unknown>, delayMs: number): string {
    const node = from.slot.node;
    const slot = typeof slotName === 'string' ? node.slots.get(slotName) : undefined;
    if (slot === undefined) {
      throw new DefinitionError(ErrorCode.UNKNOWN_SLOT, `schedule: routine "${node.id}" has no slot ${describe(slotName)}; its slots are: ${[...node.slots.keys()].join(', ') || '(none)'}.`, {
        details: { routineId: node.id, slot: String(slotName) },
      });
    }
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_TIMEOUT) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `schedule("${slotName}", data, delayMs): delayMs must be a number of ms from 0 to ${MAX_TIMEOUT}; got ${describe(delayMs)}.`);
    }
    if (!isPlainTopLevel(data)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `schedule("${slotName}") payload must be a plain object such as { value: 1 }; got ${describe(data)}.`, { details: { routineId: node.id, slot: slotName } });
    }
    checkData(data, `schedule("${slotName}") payload`, { limits: this.w.limits, mode: 'entry' });
    const w = this.w;
    const task = new Task(this, slot, { ...data }, w.takeTaskSeq(), Task.bitsOf(1, false, false));
    if (w.isFinished) return task.taskId; // the job has ended: nothing more runs
    if (w.status === 'paused') w.addPendingTask(toPending(task, delayMs));
    else this.waitRetry(task, delayMs);
    this.durable?.waitingTask(task, delayMs);
    return task.taskId;
  }

  /** ctx.cancelScheduled: drops a scheduled delivery that has not run yet. */
  cancelScheduled(taskId: string): boolean {
    if (typeof taskId !== 'string' || !/^t\d+$/.test(taskId)) return false;
    const seq = Number(taskId.slice(1));
    let found = false;
    if (this.retries !== undefined && this.retries.remove(seq)) {
      this.pending--;
      found = true;
    } else if (this.w.status === 'paused') found = this.w.removePendingTask(taskId);
    if (!found) return false;
    this.durable?.consumedTask(seq);
    if (this.pending === 0) queueMicrotask(() => this.checkDone());
    return true;
  }

  /** JobState hook: a routine sent an output. */
  onOutput(routineId: string, outputType: string, data: unknown): void {
    if (this.ev.on) this.ev.output(routineId, outputType, data);
  }

  /** Adjusts the pending count for work outside the lane (policy interval timers). */
  addPending(delta: number): void {
    this.pending += delta;
  }

  /** Completes the job if nothing is pending. */
  checkSettled(): void {
    this.checkDone();
  }

  /** A dispatched task that turned out to have nothing to run. */
  finishTask(): void {
    this.pending--;
    this.afterActivation();
  }

  /** A dispatched task failed before its activation started (a policy threw): the routine's error strategy applies. */
  failTask(task: Task, error: unknown): void {
    this.fail(task, task.data, error, this.scheduler.tick);
  }

  /** A delivery that could not be queued (QUEUE_FULL): the target routine's error strategy applies. */
  failDelivery(task: Task, error: Error): void {
    this.pending++;
    this.fail(task, task.ownData(), error, this.scheduler.tick, task.merged);
  }

  /** JobState hook: a per-job policy override changed. */
  onPolicyOverride(routineId: string): void {
    this.policies().onPolicyOverride(routineId);
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs one dispatched task. Returns true when the activation went asynchronous: `session`
   * keeps its worker until the activation settles, and is resumed then (always from a later
   * microtask, never from inside this call).
   */
  runTask(task: Task, session: ActivationSession): boolean {
    if (this.w.status !== 'running') {
      this.pending--;
      return false;
    }
    const slot = task.slot;
    if (slot.kind === SlotKind.EVALUATE) return this.policies().evaluate(task, session);
    if (this.debug) {
      const gated = this.debugGate(task, session);
      if (gated === undefined) return false;
      session = gated;
    }
    const node = slot.node;
    if (this.w.activations >= this.maxActivations) {
      this.refuseStep(task);
      return false;
    }
    this.w.countActivation();
    this.w.activationStarted(node.index, node.id, task.attempt === 1);
    this.durable?.began(task);
    if (this.ev.on) this.ev.started(task);
    const started = this.scheduler.tick;
    const startedAt = slot.timeout > 0 ? this.clock.monotonic() : 0; // the activation timeout runs on the flow's clock
    this.active++;
    let data = task.shared ? { ...task.data } : task.data;
    let merged = task.merged || slot.merge === 'override';
    let result: unknown;
    try {
      if (!merged) {
        data = this.merge(slot, data);
        merged = true;
      }
      task.data = data; // the input, for a snapshot taken while the handler runs
      if (slot.kind === SlotKind.LOGIC) result = runLogic(task, data);
      else if (slot.handler !== undefined) result = runHandler(task, slot.handler, node.routine, data);
    } catch (err) {
      this.active--;
      if (task.life !== undefined) this.endLife(task, task.life);
      this.fail(task, data, err, started, merged); // a merge that threw is redone by the retry
      return false;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      const input = data;
      (this.inFlight ??= new Map()).set(task, session);
      if (this.w.isFinished) this.detach(task, this.abortReason!); // the handler ended its own job before it returned
      else if (slot.timeout > 0) this.armTimeout(task, input, started, startedAt);
      // Promise.resolve: a foreign thenable that calls back synchronously is still settled later
      Promise.resolve(result as PromiseLike<unknown>).then(
        () => {
          const life = task.life;
          if (life !== undefined && life.detached) {
            this.settleLate(task, life); // cut loose: its worker is long released, its result is ignored
            return;
          }
          const now = this.scheduler.clock.monotonic();
          try {
            this.inFlight!.delete(task);
            this.active--;
            if (life !== undefined) this.endLife(task, life);
            this.statsOf(node).add(true, now - started);
            if (this.ev.on) this.ev.finished(task, 'completed');
            this.succeed(task);
          } finally {
            session.resume(now);
          }
        },
        (err: unknown) => {
          const life = task.life;
          if (life !== undefined && life.detached) {
            this.settleLate(task, life);
            return;
          }
          try {
            this.inFlight!.delete(task);
            this.active--;
            if (life !== undefined) this.endLife(task, life);
            this.fail(task, input, err, started);
          } finally {
            session.resume();
          }
        },
      );
      return true;
    }
    this.active--;
    if (task.life !== undefined) this.endLife(task, task.life);
    this.scheduler.recordSync(this.statsOf(node));
    if (this.ev.on) this.ev.finished(task, 'completed');
    this.succeed(task);
    return false;
  }

  // ---------------------------------------------------------------- activation lifetimes (see activation-life.ts)

  /** The step limit is reached: this activation does not run and the job fails, whatever the error strategy. */
  private refuseStep(task: Task): void {
    const node = task.slot.node;
    const limit = this.maxActivations;
    const error = new ExecutionError(
      ErrorCode.STEP_LIMIT_EXCEEDED,
      `Job ${this.state.jobId} reached its step limit of ${limit} activations at "${node.id}"; a cycle without an exit is the usual cause, else raise limits.maxActivationsPerJob.`,
      { details: { limit, routineId: node.id, taskId: task.taskId, jobId: this.state.jobId } },
    );
    this.w.record(node.id, 'error', { slot: task.slot.name, error: error.message, code: error.code, attempt: task.attempt }, this.clock.now());
    this.w.routineFailed(node.id, { code: error.code, message: error.message });
    this.stop(node.id, error, error.code);
    this.durable?.ended(task, 'failed');
  }

  /** Arms the activation timeout of an asynchronous activation that started at `startedAt` (flow clock). */
  private armTimeout(task: Task, input: Record<string, unknown>, started: number, startedAt: number): void {
    const life = (task.life ??= new ActivationLife());
    const limit = task.slot.timeout;
    const check = (): void => {
      life.timer = undefined;
      if (life.detached || life.ended) return;
      const used = this.clock.monotonic() - startedAt;
      if (used < limit) {
        life.timer = this.clock.setTimeout(check, Math.min(limit - used, MAX_TIMEOUT)); // a long timeout is armed in steps
        return;
      }
      const error = activationTimeout(task, limit);
      this.detach(task, error);
      this.fail(task, input, error, started);
    };
    life.timer = this.clock.setTimeout(check, Math.min(Math.max(0, limit - (this.clock.monotonic() - startedAt)), MAX_TIMEOUT));
  }

  /** An activation's handler settled normally: its timer goes, and its signal aborts once its waitUntil holds have settled. */
  private endLife(task: Task, life: ActivationLife): void {
    life.ended = true;
    if (life.timer !== undefined) {
      this.clock.clearTimeout(life.timer);
      life.timer = undefined;
    }
    if (life.holds === 0) this.abortActivation(task, activationEnded(task));
    if (life.lateEmits >= 0) this.recordLate(task, life); // it emitted after its job ended (e.g. it cancelled its own job)
  }

  /**
   * Cuts an in-flight activation loose (it timed out, or its job ended): its worker is
   * released at once, its signal aborts with `reason`, and when its handler settles its
   * result and emits are ignored and recorded once as `'late'`.
   */
  private detach(task: Task, reason: Error): void {
    const session = this.inFlight!.get(task)!;
    this.inFlight!.delete(task);
    this.active--;
    const life = (task.life ??= new ActivationLife());
    life.detached = true;
    if (life.lateEmits < 0) life.lateEmits = 0;
    if (life.timer !== undefined) {
      this.clock.clearTimeout(life.timer);
      life.timer = undefined;
    }
    (this.late ??= new Set()).add(task);
    // from a microtask: this may run inside another activation's dispatch loop
    queueMicrotask(() => session.resume());
    this.abortActivation(task, jobAbortReason(reason));
  }

  /** A cut-loose handler settled. */
  private settleLate(task: Task, life: ActivationLife): void {
    if (this.late?.delete(task) !== true) return;
    life.ended = true;
    this.recordLate(task, life);
    if (this.idleWaiters !== undefined) this.wakeIdleWaiters();
  }

  /** An emit of `task` after it was cut loose or its job ended: ignored, counted in its `'late'` entry. */
  lateEmit(task: Task): void {
    const life = (task.life ??= new ActivationLife());
    life.lateEmits = life.lateEmits < 0 ? 1 : life.lateEmits + 1;
    if (life.lateEntry !== undefined) life.lateEntry.emits++;
    else if (!life.detached && !this.isRunning(task)) this.recordLate(task, life); // a callback it left behind; its handler is done
  }

  private recordLate(task: Task, life: ActivationLife): void {
    if (life.lateEntry !== undefined) return;
    life.lateEntry = { taskId: task.taskId, attempt: task.attempt, emits: Math.max(0, life.lateEmits) };
    this.w.record(task.slot.node.id, 'late', life.lateEntry, this.clock.now());
  }

  private abortActivation(task: Task, reason: RoutiluxError): void {
    const life = task.life;
    if (life === undefined || life.reason !== undefined) return;
    life.reason = reason;
    if (life.controller !== undefined) {
      this.watched?.delete(task);
      life.controller.abort(reason);
    }
  }

  private isRunning(task: Task): boolean {
    return this.inFlight?.has(task) === true || this.syncTask() === task;
  }

  /** True when no cut-loose handler is still running other than the one with sequence number `seq`. */
  private lateExcept(seq: number): boolean {
    for (const task of this.late ?? NO_TASKS) if (task.seq !== seq) return false;
    return true;
  }

  private merge(slot: PlanSlot, incoming: Record<string, unknown>): Record<string, unknown> {
    if (slot.merge === 'append') return this.w.appendToSlotBuffer(slot.key, incoming);
    const merged = (slot.merge as MergeFunction)(this.w.slotBuffer(slot.key), incoming);
    if (!isPlainObject(merged)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `The merge function of slot "${slot.node.id}.${slot.name}" must return a plain object; it returned ${describe(merged)}.`);
    }
    this.w.setSlotBuffer(slot.key, merged);
    return merged;
  }

  private succeed(task: Task): void {
    const node = task.slot.node;
    this.w.activationSucceeded(node.index, node.id);
    this.pending--;
    this.afterActivation();
    this.durable?.ended(task, 'completed');
  }

  private fail(task: Task, data: Record<string, unknown>, thrown: unknown, started: number, merged = true): void {
    const node = task.slot.node;
    const w = this.w;
    const error = toError(thrown);
    const code = errorCode(error);
    this.statsOf(node).add(false, this.elapsed(started));
    const why = { code, message: error.message };
    if (w.status !== 'running' && w.status !== 'paused') {
      if (this.ev.on) this.ev.finished(task, 'failed', why);
      this.pending--;
      this.afterActivation();
      this.durable?.ended(task, 'failed');
      return;
    }
    w.record(node.id, 'error', { slot: task.slot.name, error: error.message, code, attempt: task.attempt }, this.clock.now());
    w.routineFailed(node.id, { code, message: error.message });
    const decision = decideFailure(node.routine.getErrorHandler() ?? this.flow.getErrorHandler(), task.attempt, error);
    if (decision.kind === 'retry') {
      w.countRetry(node.id);
      if (this.ev.on) this.ev.finished(task, 'retrying', why);
      const retry = new Task(this, task.slot, data, task.seq, Task.bitsOf(task.attempt + 1, merged, false));
      this.pending--;
      if (w.status === 'paused') w.addPendingTask(toPending(retry, decision.delay));
      else this.waitRetry(retry, decision.delay);
      this.durable?.waitingTask(retry, decision.delay);
      this.afterActivation();
      this.durable?.ended(task, 'retrying');
      return;
    }
    if (decision.kind === 'stop') {
      if (this.ev.on) this.ev.finished(task, 'failed', why);
      this.stop(node.id, error, code);
      this.durable?.ended(task, 'failed');
      return;
    }
    w.setRoutineStatus(node.id, decision.status);
    if (this.ev.on) this.ev.finished(task, decision.status === 'failed' ? 'failed' : decision.status === 'skipped' ? 'skipped' : 'continued', why);
    this.pending--;
    this.afterActivation();
    this.durable?.ended(task, decision.status === 'error_continued' ? 'continued' : decision.status === 'skipped' ? 'skipped' : 'failed');
  }

  private stop(routineId: string, error: Error, code: string): void {
    this.w.setRoutineStatus(routineId, 'failed');
    this.w.setError({ code, message: error.message, routineId });
    this.pending--;
    this.terminate('failed', error);
    this.afterActivation(); // a pause() waiting for this activation must settle too
  }

  private waitRetry(task: Task, delay: number): void {
    this.pending++;
    (this.retries ??= new RetryWaits(this.clock)).add(task, delay, () => {
      this.pending--;
      if (this.w.status === 'running') this.deliverNow(task.slot, task.data, task.seq, task.attempt, task.merged); // recorded as pending by the failed attempt's commit
      else if (this.w.status === 'paused') this.w.addPendingTask(toPending(task, 0));
      this.checkDone();
    });
  }

  private afterActivation(): void {
    if (this.idleWaiters !== undefined) this.wakeIdleWaiters();
    if (this.pending === 0) this.checkDone();
    // a running job is never settled; this check keeps the common case to one comparison
    if (this.active === 0 && this.w.status !== 'running') this.notifySettled();
  }

  private wakeIdleWaiters(): void {
    const still: { exclude: number; resolve: () => void; late: boolean }[] = [];
    for (const w of this.idleWaiters ?? []) {
      if (this.idleExcept(w.exclude) && (!w.late || this.lateExcept(w.exclude))) w.resolve();
      else still.push(w);
    }
    this.idleWaiters = still.length > 0 ? still : undefined;
  }

  /** Sequence number of this job's activation that is calling now (pause/cancel from inside a handler), else -1. */
  private callerSeq(): number {
    const ctx = currentContext();
    return ctx instanceof Task && ctx.run === this ? ctx.seq : -1;
  }

  /** This job's activation whose synchronous part is running now, if any. */
  private syncTask(): Task | undefined {
    const ctx = syncContext();
    return ctx instanceof Task && ctx.run === this ? ctx : undefined;
  }

  /** True when no activation runs other than the one with sequence number `seq`. */
  private idleExcept(seq: number): boolean {
    if (this.active === 0) return true;
    if (this.active > 1 || seq < 0) return false;
    const running = this.syncTask();
    if (running !== undefined) return running.seq === seq;
    for (const task of this.inFlight?.keys() ?? NO_TASKS) return task.seq === seq;
    return false;
  }

  private checkDone(): void {
    if (this.pending === 0 && this.w.status === 'running') this.terminate('completed', undefined);
  }

  // ---------------------------------------------------------------- ending

  private terminate(status: 'completed' | 'failed' | 'cancelled', reason: Error | undefined): void {
    const w = this.w;
    if (w.isFinished) return;
    w.transition(status);
    this.releaseStep();
    this.timeout.disarm();
    this.retries?.clear();
    this.engine?.onTerminate();
    this.scheduler.takeLane(this.lane);
    if (status === 'cancelled') w.replacePendingTasks([]);
    if (reason !== undefined) {
      // Handlers still running are cut loose: their workers are released at once and the job
      // settles without waiting for them (cancel's grace still waits for them).
      const why = jobAbortReason(reason);
      this.abortReason = why;
      if (this.inFlight !== undefined) {
        for (const task of [...this.inFlight.keys()]) {
          this.detach(task, why);
          w.routineCutLoose(task.slot.node.id, { code: why.code, message: why.message }); // still running when its job ended
        }
      }
      if (this.watched !== undefined) for (const task of [...this.watched]) this.abortActivation(task, why);
    }
    this.pending = this.active;
    if (this.ev.on) this.ev.ended(status, this.state.error ?? (reason !== undefined ? { code: errorCode(reason), message: reason.message } : undefined));
    this.durable?.scheduleFlush(true);
    this.notifySettled();
    if (this.idleWaiters !== undefined) this.wakeIdleWaiters(); // pending pause() promises resolve too
  }

  private onTimeout(): void {
    if (this.w.status !== 'running') return;
    const ms = this.w.timeoutBudget ?? 0;
    const error = new ExecutionError(ErrorCode.EXECUTION_TIMEOUT, `Job ${this.state.jobId} exceeded its timeout of ${ms} ms; raise executionTimeout / timeout or make the routines faster.`, {
      details: { jobId: this.state.jobId, timeout: ms },
    });
    const current = this.state.currentRoutineId;
    this.w.setError({ code: ErrorCode.EXECUTION_TIMEOUT, message: error.message, ...(current !== undefined ? { routineId: current } : {}) });
    this.terminate('failed', error);
  }

  private isSettled(): boolean {
    const s = this.w.status;
    return s === 'completed' || s === 'failed' || s === 'cancelled' || (s === 'paused' && this.active === 0);
  }

  private notifySettled(): void {
    if (!this.isSettled()) return;
    const waiters = this.settleWaiters;
    this.settleWaiters = undefined;
    if (this.durable !== undefined) {
      // with a store, a job settles once what it did is written
      void this.durable.idle().then(() => this.wake(waiters));
      return;
    }
    this.wake(waiters);
  }

  private wake(waiters: readonly (() => void)[] | undefined): void {
    if (waiters !== undefined) for (const w of waiters) w();
    this.watcher?.(this);
    const more = this.moreWatchers;
    if (more !== undefined) for (const w of more) w(this);
  }

  /**
   * Pending work as a pause right now would leave it, without pausing: kept pending tasks,
   * then in-flight activations (re-run on resume as the next attempt, with their merged
   * input), then queued tasks in order, then retries with their remaining delay.
   */
  snapshotPending(): PendingTask[] {
    const out: PendingTask[] = [...this.state.pendingTasks];
    const rerun = (task: Task, data: Record<string, unknown>): void => {
      out.push(toPending(new Task(this, task.slot, data, task.seq, Task.bitsOf(task.attempt + 1, true, false)), 0));
    };
    const running = this.syncTask();
    if (running !== undefined) rerun(running, running.data);
    for (const task of this.inFlight?.keys() ?? NO_TASKS) rerun(task, task.data);
    for (const t of this.lane.toTasks()) if (t.slot.kind !== SlotKind.EVALUATE) out.push(toPending(t, 0));
    for (const r of this.retries?.list() ?? NO_WAITS) if (r.task.slot.kind !== SlotKind.EVALUATE) out.push(toPending(r.task, r.remaining));
    return out;
  }

}
