import { ErrorCode } from '../errors/error-codes.js';
import { DefinitionError, ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import type { Flow } from '../flow/flow.js';
import { MAX_TIMEOUT } from '../flow/flow-options.js';
import { JobState } from '../state/job-state.js';
import { JobStatus } from '../state/job-types.js';
import { assertNumber, assertPayload, describe } from '../utils/guards.js';
import { systemClock, type Clock } from './clock.js';
import type { FlowPlan, PlanNode } from './flow-plan.js';
import { FlowRegistry } from './flow-registry.js';
import { JobRun } from './job-run.js';
import { EventHub, type RoutiluxEvent } from './job-events.js';
import type { Observable } from 'rxjs';
import type { RuntimeExecOptions, RuntimeOptions, RuntimePostOptions, RuntimeShutdownOptions } from './runtime-options.js';
import { assertOptions, assertTimeout, checkKeys, checkRestorable } from './runtime-checks.js';
import { Scheduler } from './scheduler.js';
import { assertLimits, type Limits, type ResolvedLimits } from '../flow/limits.js';
import { checkData } from '../utils/json-data.js';
import { Schedules } from '../schedules/schedules.js';
import type { Schedule } from '../schedules/schedule.js';
import type { ScheduleOptions } from '../schedules/schedule-options.js';

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
  /** The limits this runtime sets (each replaces the flow's for its jobs). */
  private readonly limits: Limits | undefined;
  /** Jobs not finished yet (running, paused); each is driven by the JobRun in `state._run`. */
  private readonly live = new Map<string, JobState>();
  private readonly hub = new EventHub();

  /** Every event of every job of this runtime: hot, no replay (services.md §2). */
  get events$(): Observable<RoutiluxEvent> {
    return this.hub.events$;
  }
  /** Finished jobs, oldest first. */
  private readonly finished = new Map<string, JobState>();
  private idleWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(options: RuntimeOptions = {}) {
    assertOptions(options, 'Runtime');
    checkKeys(options, ['concurrency', 'registry', 'clock', 'maxFinishedJobs', 'limits'], 'Runtime');
    assertLimits(options.limits, 'Runtime');
    this.limits = options.limits === undefined ? undefined : Object.freeze({ ...options.limits });
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
    this.scheduler = new Scheduler(concurrency, clock);
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
    return this.closing !== undefined;
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
    checkKeys(options, ['entryRoutineId', 'entryParams', 'jobState', 'timeout'], 'runtime.exec');
    const flow = this.registry.resolve(flowName);
    const plan = flow.plan();
    if (options.timeout !== undefined) assertTimeout(options.timeout, 'runtime.exec timeout (ms)');
    const given = options.jobState;
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
        const run = this.runFor(flow, plan, given, options.timeout ?? given._timeoutMs ?? flow.executionTimeout);
        run.resume();
        return given;
      }
    }
    const entry = this.entryOf(flow, plan, options.entryRoutineId);
    const params = options.entryParams ?? {};
    assertPayload(params, 'runtime.exec entryParams');
    checkData(params, 'runtime.exec entryParams', { limits: this.limitsOf(flow), mode: 'entry' });
    const state = given ?? new JobState(flow.flowId, { historyLimit: flow.historyLimit });
    const run = this.runFor(flow, plan, state, options.timeout ?? flow.executionTimeout);
    run.start(entry, params);
    return state;
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
    checkData(data, 'runtime.post data', { limits: run?.state._limits ?? this.limitsOf(flow), mode: 'entry' });
    if (run === undefined) {
      const state = new JobState(flow.flowId, { historyLimit: flow.historyLimit });
      run = this.runFor(flow, plan, state, flow.executionTimeout);
      run.open();
    }
    run.post(node, slotName, data);
    return run.state;
  }

  /** The job with this id (running, paused, or one of the last `maxFinishedJobs` finished), or undefined. */
  getJob(jobId: string): JobState | undefined {
    return this.live.get(jobId) ?? this.finished.get(jobId);
  }

  /** Every job this runtime knows, optionally only those with `status`. */
  listJobs(status?: JobStatus): JobState[] {
    if (status !== undefined && !STATUSES.has(status)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `listJobs(status): status must be one of ${[...STATUSES].join(', ')}; got ${describe(status)}.`);
    }
    const all = [...this.finished.values(), ...this.live.values()];
    return status === undefined ? all : all.filter((s) => s.status === status);
  }

  /** Cancels a job (like `flow.cancel`); resolves false when the id is unknown or the job already finished. */
  cancelJob(jobId: string, reason = ''): Promise<boolean> {
    const state = this.live.get(jobId);
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
      if (state.status === 'paused') {
        const plan = run.flow.plan();
        checkRestorable(state, plan, run.flow.flowId);
        this.runFor(run.flow, plan, state, state._timeoutMs ?? run.flow.executionTimeout).resume();
      }
      return (state._run as JobRun).settled().then(() => state);
    } catch (error) {
      return Promise.reject(error);
    }
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
    if (this.closing !== undefined) return this.closing;
    let drain: number;
    let grace: number;
    try {
      assertOptions(options, 'runtime.shutdown');
      checkKeys(options, ['drainTimeout', 'grace'], 'runtime.shutdown');
      drain = options.drainTimeout ?? 5000;
      grace = options.grace ?? 1000;
      assertNumber(drain, 'shutdown drainTimeout (ms)', { min: 0, max: MAX_TIMEOUT });
      assertNumber(grace, 'shutdown grace (ms)', { min: 0, max: MAX_TIMEOUT });
    } catch (error) {
      return Promise.reject(error);
    }
    this._schedules?.removeAll(); // no new jobs from schedules once shutting down
    this.closing = (async () => {
      if (drain > 0) await this.waitUntilAllJobsFinished(drain);
      const running = [...this.live.values()].filter((s) => s.status === 'running');
      await Promise.all(running.map((s) => runOf(s).flow.cancel(s, 'runtime shutdown', { grace })));
      if (this.live.size === 0) this.scheduler.close();
    })();
    return this.closing;
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
    if (this.closing !== undefined) {
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
    const live = typeof jobId === 'string' ? this.live.get(jobId) : undefined;
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

  /** The job's run on this runtime's scheduler (reused when it already is one), tracked. */
  private runFor(flow: Flow, plan: FlowPlan, state: JobState, timeout: number): JobRun {
    const existing = state._run;
    let run: JobRun;
    if (existing instanceof JobRun && this.live.get(state.jobId) === state && existing.plan === plan) run = existing;
    else run = new JobRun({ flow, plan, state, clock: flow.clock, timeout, scheduler: this.scheduler, maxWorkers: flow.maxWorkers, maxActivations: this.limitsOf(flow).maxActivationsPerJob, runtimeHub: this.hub });
    state._limits = this.limitsOf(flow);
    run.ev.runtime = this.hub;
    this.finished.delete(state.jobId);
    this.live.set(state.jobId, state);
    run.onSettled = () => this.settledOne(state);
    return run;
  }

  /** The limits of this runtime's jobs of `flow`: each limit the runtime sets replaces the flow's. */
  private limitsOf(flow: Flow): ResolvedLimits {
    const own = this.limits;
    if (own === undefined) return flow.limits;
    return { ...flow.limits, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
  }

  private settledOne(state: JobState): void {
    if (state.isFinished && this.live.get(state.jobId) === state) {
      this.live.delete(state.jobId);
      if (this.maxFinished > 0) {
        this.finished.set(state.jobId, state);
        if (this.finished.size > this.maxFinished) {
          const oldest = this.finished.keys().next().value as string;
          this.finished.delete(oldest);
        }
      }
    }
    if (this.idleWaiters.length > 0 && !this.anyRunning()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private anyRunning(): boolean {
    for (const state of this.live.values()) {
      const s = state.status;
      if (s === 'running' || s === 'pending') return true;
    }
    return false;
  }
}

/** The JobRun driving a job of this runtime (flow.resume may have replaced the original one). */
function runOf(state: JobState): JobRun {
  return state._run as JobRun;
}
