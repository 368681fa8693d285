import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import type { Flow } from '../flow/flow.js';
import { MAX_TIMEOUT } from '../flow/flow-options.js';
import { JobState, newJobState } from '../state/job-state.js';
import { JobStatus } from '../state/job-types.js';
import { assertNumber, assertPayload, describe } from '../utils/guards.js';
import { systemClock, type Clock } from './clock.js';
import type { FlowPlan, PlanNode } from './flow-plan.js';
import { FlowRegistry } from './flow-registry.js';
import type { JobRun } from './job-run.js';
import { EventHub, type RoutiluxEvent } from './job-events.js';
import type { Observable } from 'rxjs';
import type { JobStore } from '../ports/job-store.js';
import type { RuntimeExecOptions, RuntimeOptions, RuntimePostOptions, RuntimeShutdownOptions } from './runtime-options.js';
import { assertOptions, assertTimeout, checkKeys, checkRestorable } from './runtime-checks.js';
import { Scheduler } from './scheduler.js';
import { DEFAULT_DRAIN_TIMEOUT, DEFAULT_SHUTDOWN_GRACE } from '../host/job-defaults.js';
import { JobHost } from '../host/job-host.js';
import { addBreakpoint, addCheckedBreakpoints, assertNotFinished, checkBreakpointList, removeBreakpoint } from '../host/job-debugger.js';
import type { Breakpoint, BreakpointSpec } from '../state/breakpoint-types.js';
import { assertLimits } from '../flow/limits.js';
import { checkData } from '../utils/json-data.js';
import { Schedules } from '../schedules/schedules.js';
import type { Schedule } from '../schedules/schedule.js';
import type { ScheduleOptions } from '../schedules/schedule-options.js';
import { RuntimeDurability } from '../host/runtime-durability.js';
import type { StoreHealthReport } from './store-health.js';

const STATUSES: ReadonlySet<string> = new Set(Object.values(JobStatus));

/**
 * A long-lived executor of many jobs of many flows on one shared concurrency budget.
 * Jobs are fair to each other: every job with queued work gets one dispatch per round,
 * so a job with a huge backlog never starves a small one. At most `concurrency`
 * activations run at once across all jobs. `flow.pause`/`resume`/`cancel` work on its
 * jobs too. See docs/runtime.md.
 *
 * @example
 * FlowRegistry.getInstance().registerByName('pipeline', flow);
 * const runtime = new Runtime({ concurrency: 10 });
 * const job = runtime.exec('pipeline', { entryParams: { url } });   // returns at once
 * runtime.post('pipeline', 'collector', 'input', { item: 1 }, { jobId: job.jobId });
 * await runtime.waitUntilAllJobsFinished();
 * await runtime.shutdown();
 */
export class Runtime {
  private readonly scheduler: Scheduler;
  private readonly registry: FlowRegistry;
  private readonly clock: Clock;
  private readonly maxFinished: number;
  /** Drives the jobs on the shared scheduler; `host.live` holds the jobs not finished yet (running, paused). */
  private readonly host: JobHost;
  private readonly hub = new EventHub();
  /** Leases, recovery and suspension when a store is configured. */
  private readonly durable: RuntimeDurability | undefined;

  /** Every event of every job of this runtime: hot, no replay (services.md §2). */
  get events$(): Observable<RoutiluxEvent> {
    return this.hub.events$;
  }
  /** Finished jobs, oldest first. */
  private readonly finished = new Map<string, JobState>();
  private idleWaiters: (() => void)[] = [];

  constructor(options: RuntimeOptions = {}) {
    assertOptions(options, 'Runtime');
    checkKeys(options, ['concurrency', 'registry', 'clock', 'maxFinishedJobs', 'limits', 'store', 'owner', 'leaseTtlMs'], 'Runtime');
    assertLimits(options.limits, 'Runtime');
    const limits = options.limits === undefined ? undefined : Object.freeze({ ...options.limits });
    const store = options.store;
    if (store !== undefined && !isJobStore(store)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Runtime store must implement the JobStore port (create, load, commit, put, …); got ${describe(store)}.`);
    }
    const concurrency = options.concurrency ?? 10;
    assertNumber(concurrency, 'Runtime concurrency', { min: 1, max: 10_000, integer: true });
    if (options.registry !== undefined && !(options.registry instanceof FlowRegistry)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Runtime registry must be a FlowRegistry; got ${describe(options.registry)}.`);
    }
    const clock = options.clock ?? systemClock;
    if (typeof clock !== 'object' || clock === null || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'Runtime clock must implement the Clock interface (now, monotonic, setTimeout, clearTimeout).');
    }
    const maxFinished = options.maxFinishedJobs ?? 10_000;
    assertNumber(maxFinished, 'Runtime maxFinishedJobs', { min: 0, integer: true, max: 100_000_000 });
    this.registry = options.registry ?? FlowRegistry.getInstance();
    this.clock = clock;
    this.maxFinished = maxFinished;
    const scheduler = new Scheduler(concurrency, clock);
    this.scheduler = scheduler;
    const durable = store !== undefined ? new RuntimeDurability(store, this.registry, clock, options.owner, options.leaseTtlMs) : undefined;
    this.durable = durable;
    this.host = new JobHost({ scheduler: () => scheduler, clock, adoptRuns: false, keepPaused: true, hub: this.hub, ...(limits !== undefined ? { limits } : {}), ...(durable !== undefined ? { store: durable.store, leases: durable.leases, stopRunning: (s: JobState, grace: number) => durable.suspend(s, grace) } : {}), onSettled: (state, left) => this.settledOne(state, left) });
    durable?.bind(this.host);
  }

  /** The registry this runtime looks flow names up in. */
  get flowRegistry(): FlowRegistry {
    return this.registry;
  }
  /** The shared activation budget. */
  get concurrency(): number {
    return this.scheduler.concurrency;
  }
  /** Activations running now across all jobs. */
  get active(): number {
    return this.scheduler.active;
  }
  /** Activations queued across all jobs. */
  get queued(): number {
    return this.scheduler.queued;
  }
  /** True once `shutdown` was called. */
  get isShutdown(): boolean {
    return this.host.isShutdown;
  }

  /**
   * Starts a job of the flow registered as `flowName` and returns its JobState at once
   * (status `running`). `entryParams` go to the `trigger` slot of `entryRoutineId` (default:
   * the flow's only routine with a trigger slot). With `jobState`, continues that job: a
   * `paused` one resumes, a `pending` one starts; a finished one → `JOB_FINISHED`.
   */
  exec(flowName: string, options: RuntimeExecOptions = {}): JobState {
    this.assertOpen();
    assertOptions(options, 'runtime.exec');
    checkKeys(options, ['entryRoutineId', 'entryParams', 'jobState', 'timeout', 'breakpoints'], 'runtime.exec');
    const flow = this.registry.resolve(flowName);
    const plan = flow.plan();
    if (options.timeout !== undefined) assertTimeout(options.timeout, 'runtime.exec timeout (ms)');
    const breakpoints = options.breakpoints === undefined ? undefined : checkBreakpointList(options.breakpoints, plan, flow.flowId, 'runtime.exec');
    let given = options.jobState;
    if (given !== undefined) {
      this.checkJob(flow, given);
      if (given.status === 'running') {
        throw new ExecutionError(ErrorCode.INVALID_STATE, `Job ${given.jobId} is already running; only a pending or paused job can be passed to exec.`, { details: { jobId: given.jobId } });
      }
      checkRestorable(given, plan, flow.flowId);
      if (given.status === 'paused') {
        if (options.entryRoutineId !== undefined || options.entryParams !== undefined) {
          throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Job ${given.jobId} is paused: exec continues it where it stopped, so entryRoutineId / entryParams cannot be given.`);
        }
        this.finished.delete(given.jobId);
        if (breakpoints !== undefined) addCheckedBreakpoints(given, breakpoints);
        this.host.resume(flow, given, options.timeout, flowName);
        return given;
      }
    }
    if (breakpoints !== undefined) {
      given ??= newJobState(flow.flowId, flow.historyLimit, flow.clock);
      addCheckedBreakpoints(given, breakpoints);
    }
    const entry = this.entryOf(flow, plan, options.entryRoutineId);
    const params = options.entryParams ?? {};
    assertPayload(params, 'runtime.exec entryParams');
    checkData(params, 'runtime.exec entryParams', { limits: this.host.limitsOf(flow), mode: 'entry' });
    if (given !== undefined) this.finished.delete(given.jobId);
    return this.host.start(flow, plan, entry, params, { timeout: options.timeout ?? flow.executionTimeout, maxWorkers: flow.maxWorkers, flowName, ...(given !== undefined ? { state: given } : {}) }).state;
  }

  /**
   * Delivers `data` to `routineId.slotName`: into the running (or paused) job `jobId`, or,
   * without `jobId`, into a new job started with no trigger. Returns the job's JobState.
   * Unknown flow / routine / slot → `UNKNOWN_FLOW` / `UNKNOWN_ROUTINE` / `UNKNOWN_SLOT`; a
   * finished job → `JOB_FINISHED`; a full slot queue of a logic routine → `QUEUE_FULL`.
   */
  post(flowName: string, routineId: string, slotName: string, data: Record<string, unknown>, options: RuntimePostOptions = {}): JobState {
    this.assertOpen();
    assertOptions(options, 'runtime.post');
    checkKeys(options, ['jobId'], 'runtime.post');
    const flow = this.registry.resolve(flowName);
    let run: JobRun | undefined;
    if (options.jobId !== undefined) {
      run = this.liveRun(options.jobId, 'post to');
      if (run.flow !== flow) {
        throw new ExecutionError(ErrorCode.FLOW_MISMATCH, `Job ${options.jobId} runs flow ${run.flow.flowId}, not ${describe(flowName)}; post to it with its own flow name.`, {
          details: { jobId: options.jobId, flowId: run.flow.flowId },
        });
      }
    }
    const plan = run?.plan ?? flow.plan();
    const node = plan.nodes.get(routineId);
    if (typeof routineId !== 'string' || node === undefined) {
      throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `Routine ${describe(routineId)} not found in flow ${flow.flowId}; routines: ${[...plan.nodes.keys()].join(', ') || '(none)'}.`, {
        details: { routineId: String(routineId) },
      });
    }
    if (typeof slotName !== 'string' || !node.slots.has(slotName)) {
      throw new DefinitionError(ErrorCode.UNKNOWN_SLOT, `Slot ${describe(slotName)} not found in routine "${routineId}"; its slots are: ${[...node.slots.keys()].join(', ') || '(none)'}.`, {
        details: { routineId, slot: String(slotName) },
      });
    }
    assertPayload(data, 'runtime.post data');
    checkData(data, 'runtime.post data', { limits: run?.state.writer.limits ?? this.host.limitsOf(flow), mode: 'entry' });
    run ??= this.host.open(flow, plan, flowName);
    run.post(node, slotName, data);
    return run.state;
  }

  /** The job with this id (running, paused, or one of the last `maxFinishedJobs` finished), or undefined. */
  getJob(jobId: string): JobState | undefined {
    return this.host.live.get(jobId) ?? this.finished.get(jobId);
  }

  /** Every job this runtime knows, optionally only those with `status`. */
  listJobs(status?: JobStatus): JobState[] {
    if (status !== undefined && !STATUSES.has(status)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `listJobs(status): status must be one of ${[...STATUSES].join(', ')}; got ${describe(status)}.`);
    }
    const all = [...this.finished.values(), ...this.host.live.values()];
    return status === undefined ? all : all.filter((s) => s.status === status);
  }

  /** Cancels a job (like `flow.cancel`); resolves false when the id is unknown or the job already finished. */
  cancelJob(jobId: string, reason = ''): Promise<boolean> {
    const state = this.host.live.get(jobId);
    if (state === undefined || state.isFinished) return Promise.resolve(false);
    return runOf(state).flow.cancel(state, reason).then(() => true);
  }

  /** Pauses a running job, like `flow.pause`. Unknown id → `INVALID_ARGUMENT`; finished → `JOB_FINISHED`. */
  pauseJob(jobId: string, reason = '', checkpoint: unknown = null): Promise<void> {
    try {
      const run = this.liveRun(jobId, 'pause');
      return run.flow.pause(run.state, reason, checkpoint);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Resumes a paused job on this runtime's budget; resolves like `flow.resume` (when the job is no longer running). */
  resumeJob(jobId: string): Promise<JobState> {
    try {
      this.assertOpen();
      const run = this.liveRun(jobId, 'resume');
      const state = run.state;
      if (state.status === 'paused') this.host.resume(run.flow, state);
      return (state.liveRun as JobRun).settled().then(() => state);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Adds a breakpoint to job `jobId` (services.md §2): before an activation of `routineId`
   * (of `slot`, if given) whose `condition` (CEL over `data`, the handler's input) holds, the
   * job pauses. Unknown job → `UNKNOWN_JOB`; routine or slot the flow lacks →
   * `UNKNOWN_ROUTINE` / `UNKNOWN_SLOT`; bad or unsafe condition → `INVALID_ARGUMENT`;
   * finished job → `JOB_FINISHED`.
   */
  addBreakpoint(jobId: string, spec: BreakpointSpec): Breakpoint {
    const state = this.jobOf(jobId);
    return addBreakpoint(state, runOf(state).plan, spec, 'runtime.addBreakpoint');
  }

  /** Removes breakpoint `breakpointId` of job `jobId`. Unknown job / breakpoint → `UNKNOWN_JOB` / `UNKNOWN_BREAKPOINT`; finished → `JOB_FINISHED`. */
  removeBreakpoint(jobId: string, breakpointId: string): void {
    removeBreakpoint(this.jobOf(jobId), breakpointId);
  }

  /** The breakpoints of job `jobId` with their hit counts. Unknown job → `UNKNOWN_JOB`. */
  listBreakpoints(jobId: string): Breakpoint[] {
    return [...this.jobOf(jobId).breakpoints];
  }

  /**
   * Runs exactly the first pending activation of the paused job `jobId` and resolves
   * `{ taskId }` once the job is paused again (reason `'step'`); with nothing pending the job
   * completes and `{ taskId: null }` is the result. Not paused → `NOT_PAUSED`; finished →
   * `JOB_FINISHED`; unknown → `UNKNOWN_JOB`.
   */
  step(jobId: string): Promise<{ taskId: string | null }> {
    try {
      this.assertOpen();
      const state = this.jobOf(jobId);
      assertNotFinished(state, 'step');
      return this.host.step(runOf(state).flow, state);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The job with this id, or `UNKNOWN_JOB`. */
  private jobOf(jobId: string): JobState {
    const state = typeof jobId === 'string' ? this.getJob(jobId) : undefined;
    if (state === undefined) {
      throw new ExecutionError(ErrorCode.UNKNOWN_JOB, `No job with id ${describe(jobId)} in this runtime; use the jobId of a JobState returned by exec or post.`, { details: { jobId: String(jobId) } });
    }
    return state;
  }

  /**
   * Resolves true once no job of this runtime is running (paused jobs do not count), or
   * false after `timeout` ms (nothing is cancelled).
   */
  waitUntilAllJobsFinished(timeout?: number): Promise<boolean> {
    if (timeout !== undefined) {
      try {
        assertNumber(timeout, 'waitUntilAllJobsFinished timeout (ms)', { min: 0, max: MAX_TIMEOUT });
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (!this.anyRunning()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: unknown;
      const done = (): void => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
      if (timeout !== undefined) {
        timer = this.clock.setTimeout(() => {
          this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
          resolve(false);
        }, timeout);
      }
    });
  }

  /**
   * Stops the runtime: `exec`/`post` are refused from now on; running jobs get
   * `drainTimeout` ms to finish, then are cancelled. Paused jobs stay paused (resume them
   * later with `flow.resume`). Idempotent: later calls return the same promise.
   */
  shutdown(options: RuntimeShutdownOptions = {}): Promise<void> {
    if (this.host.isShutdown) return this.host.shutdown();
    let drain: number;
    let grace: number;
    try {
      assertOptions(options, 'runtime.shutdown');
      checkKeys(options, ['drainTimeout', 'grace'], 'runtime.shutdown');
      drain = options.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT;
      grace = options.grace ?? DEFAULT_SHUTDOWN_GRACE;
      assertNumber(drain, 'shutdown drainTimeout (ms)', { min: 0, max: MAX_TIMEOUT });
      assertNumber(grace, 'shutdown grace (ms)', { min: 0, max: MAX_TIMEOUT });
    } catch (error) {
      return Promise.reject(error);
    }
    this._schedules?.removeAll(); // no new jobs from schedules once shutting down
    const stopped = this.host.shutdown(drain, grace, 'runtime shutdown');
    const durable = this.durable;
    return durable === undefined ? stopped : stopped.then(() => durable.close());
  }

  /**
   * After a restart: continues every unfinished job of the store that no other live
   * Runtime holds (services.md §7) and resolves with their JobStates. Running jobs run on
   * (a job a shutdown suspended too); paused ones stay paused (`resumeJob` continues them).
   * The activations that were running at the crash run again with the same `taskId` and the
   * next attempt; nothing committed runs again. Flows are looked up by the name each job was
   * started under. A job whose flow is not registered (`UNKNOWN_FLOW`, naming it) or whose
   * document is unreadable (`CORRUPT_STATE`) stays in the store, and the promise rejects with
   * that error once the others are recovered (`details.failures`, `details.recovered`).
   * Without a store → `INVALID_STATE`. See docs/persistence.md.
   */
  recover(): Promise<JobState[]> {
    try {
      this.assertOpen();
      if (this.durable === undefined) throw new ExecutionError(ErrorCode.INVALID_STATE, 'runtime.recover() needs a durable store: create the Runtime with new Runtime({ store }).');
      return this.durable.recover();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * With a store: how this runtime's jobs see it — `unavailable` (with the last error,
   * `STORE_UNAVAILABLE`) while some job waits to retry a write, else `ok`. `undefined`
   * without a store.
   */
  storeHealth(): StoreHealthReport | undefined {
    return this.durable?.health();
  }

  // ---------------------------------------------------------------- internals

  /**
   * Starts jobs of the flow registered as `flowName` at the instants of `options.cron` (in
   * `options.timezone`) or every `options.everyMs`, on this runtime's clock; `overlap` says
   * what a tick does while the previous job still runs. Returns the schedule (pause, resume,
   * remove). Unknown flow → `UNKNOWN_FLOW`; bad options → `INVALID_ARGUMENT`. See docs/schedules.md.
   */
  schedule(flowName: string, options: ScheduleOptions): Schedule {
    this.assertOpen();
    this.registry.resolve(flowName);
    this._schedules ??= new Schedules({
      clock: this.clock,
      startJob: (name, start) => {
        const job = this.exec(name, start);
        return { jobId: job.jobId, settled: JobState.waitForCompletion(job, job) };
      },
    });
    return this._schedules.add(flowName, options);
  }

  /** The schedules of this runtime that are not removed, in the order they were made. */
  schedules(): Schedule[] {
    return this._schedules?.list() ?? [];
  }

  private _schedules: Schedules | undefined;

  private assertOpen(): void {
    if (this.host.isShutdown) {
      throw new ExecutionError(ErrorCode.INVALID_STATE, 'This Runtime is shut down; create a new Runtime to run more jobs.');
    }
  }

  private checkJob(flow: Flow, state: unknown): asserts state is JobState {
    if (!(state instanceof JobState)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `runtime.exec jobState must be a JobState (e.g. from JobState.deserialize); got ${describe(state)}.`);
    }
    if (state.flowId !== flow.flowId) {
      throw new ExecutionError(ErrorCode.FLOW_MISMATCH, `Job ${state.jobId} belongs to flow ${state.flowId}, not ${flow.flowId}; exec it with the flow it ran on.`, {
        details: { jobId: state.jobId, jobFlowId: state.flowId, flowId: flow.flowId },
      });
    }
    if (state.isFinished) {
      throw new ExecutionError(ErrorCode.JOB_FINISHED, `Job ${state.jobId} is already ${state.status}; only a pending or paused job can be continued.`, {
        details: { jobId: state.jobId, status: state.status },
      });
    }
  }

  private liveRun(jobId: string, what: string): JobRun {
    const live = typeof jobId === 'string' ? this.host.live.get(jobId) : undefined;
    if (live !== undefined && !live.isFinished) return runOf(live);
    const state = live ?? (typeof jobId === 'string' ? this.finished.get(jobId) : undefined);
    if (state !== undefined) {
      throw new ExecutionError(ErrorCode.JOB_FINISHED, `Cannot ${what} job ${state.jobId}: it is already ${state.status}.`, { details: { jobId: state.jobId, status: state.status } });
    }
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `No job with id ${describe(jobId)} in this runtime; use the jobId of a JobState returned by exec or post.`, {
      details: { jobId: String(jobId) },
    });
  }

  private entryOf(flow: Flow, plan: FlowPlan, entryRoutineId: string | undefined): PlanNode {
    if (entryRoutineId !== undefined) {
      const node = typeof entryRoutineId === 'string' ? plan.nodes.get(entryRoutineId) : undefined;
      if (node === undefined) {
        throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `Entry routine ${describe(entryRoutineId)} not found in flow ${flow.flowId}; routines: ${[...plan.nodes.keys()].join(', ') || '(none)'}.`, {
          details: { routineId: String(entryRoutineId) },
        });
      }
      if (!node.slots.has('trigger')) {
        throw new DefinitionError(ErrorCode.MISSING_TRIGGER_SLOT, `Entry routine "${entryRoutineId}" has no "trigger" slot; define one, or feed the job with runtime.post instead.`, {
          details: { routineId: entryRoutineId },
        });
      }
      return node;
    }
    const entries = plan.entries;
    if (entries.length === 1) return entries[0]!;
    if (entries.length === 0) {
      throw new DefinitionError(ErrorCode.MISSING_TRIGGER_SLOT, `Flow ${flow.flowId} has no routine with a "trigger" slot; define one, or start jobs with runtime.post(flowName, routineId, slotName, data).`);
    }
    throw new DefinitionError(ErrorCode.AMBIGUOUS_ENTRY, `Flow ${flow.flowId} has several routines with a "trigger" slot (${entries.map((n) => n.id).join(', ')}); pass entryRoutineId to choose one.`, {
      details: { candidates: entries.map((n) => n.id) },
    });
  }

  /** A job of this runtime settled; `left` is true when it just finished. */
  private settledOne(state: JobState, left: boolean): void {
    if (left && this.maxFinished > 0) {
      this.finished.set(state.jobId, state);
      if (this.finished.size > this.maxFinished) {
        const oldest = this.finished.keys().next().value as string;
        this.finished.delete(oldest);
      }
    }
    if (this.idleWaiters.length > 0 && !this.anyRunning()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private anyRunning(): boolean {
    for (const state of this.host.live.values()) {
      const s = state.status;
      if (s === 'running' || s === 'pending') return true;
    }
    return false;
  }
}

function isJobStore(value: unknown): value is JobStore {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['create', 'load', 'commit', 'put', 'close'].every((m) => typeof v[m] === 'function');
}

/** The JobRun driving a job of this runtime (flow.resume may have replaced the original one). */
function runOf(state: JobState): JobRun {
  return state.liveRun as JobRun;
}
