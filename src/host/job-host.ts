import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError } from '../errors/routilux-error.js';
import type { Clock } from '../runtime/clock.js';
import type { FlowPlan, PlanNode } from '../runtime/flow-plan.js';
import { JobRun, type RunFlow } from '../runtime/job-run.js';
import { checkRestorable } from '../runtime/runtime-checks.js';
import type { Scheduler } from '../runtime/scheduler.js';
import type { JobStore } from '../ports/job-store.js';
import { JobState, newJobState } from '../state/job-state.js';
import type { Limits, ResolvedLimits } from '../flow/limits.js';
import type { EventHub } from '../runtime/job-events.js';
import { DEFAULT_DRAIN_TIMEOUT, DEFAULT_SHUTDOWN_GRACE } from './job-defaults.js';
import type { JobLeases } from './job-leases.js';

/** @internal what a host needs from a flow (a `Flow` is one; the host never imports it). */
export interface HostedFlow extends RunFlow {
  readonly maxWorkers: number;
  readonly executionTimeout: number;
  readonly historyLimit: number;
  /** The flow's limits, every one resolved. */
  readonly limits: ResolvedLimits;
  /** The flow's event hub (behind `flow.events$`). */
  readonly _hub: EventHub;
  /** The compiled plan (cached by the flow). */
  plan(): FlowPlan;
}

/** @internal how a {@link JobHost} is set up by its owner (a Flow for its own jobs, or a Runtime). */
export interface JobHostOptions {
  /** Creates the scheduler the host's jobs run on (called on first use). */
  readonly scheduler: () => Scheduler;
  /** The clock of the host's own timers (the shutdown drain). */
  readonly clock: Clock;
  /**
   * How a resumed job's existing run is treated. `true` (a Flow): a run of the same plan is
   * kept wherever it runs. `false` (a Runtime): only a run this host drives is kept; any other
   * job moves onto this host's scheduler.
   */
  readonly adoptRuns: boolean;
  /** Whether paused jobs stay in `live` (a Runtime lists them; a Flow only tracks running jobs for shutdown). */
  readonly keepPaused: boolean;
  /** A durable store every job of this host commits through (none: the in-memory path). */
  readonly store?: JobStore;
  /** Limits that replace the flow's, one by one (a Runtime's `limits`). */
  readonly limits?: Limits;
  /** The owner's event hub (a Runtime's `events$`); each job's events go to it as well as to its flow's. */
  readonly hub?: EventHub;
  /** The leases of a Runtime on its store's jobs: taken for every job the host starts, dropped when it finishes. */
  readonly leases?: JobLeases;
  /**
   * What shutdown does to a job still running after the drain (default: cancel it). A
   * Runtime with a store suspends it instead, so the next Runtime recovers it.
   */
  readonly stopRunning?: (state: JobState, grace: number) => Promise<void>;
  /** Called when a job this host drives settles; `left` is true when it just left `live`. */
  readonly onSettled?: (state: JobState, left: boolean) => void;
}

/** @internal options of one start. */
export interface HostStartOptions {
  readonly timeout: number;
  readonly maxWorkers: number;
  /** A prepared (`pending`) job to start instead of a new one. */
  readonly state?: JobState;
  /** The registry name the flow runs under (recorded by a store). */
  readonly flowName?: string;
}

/**
 * @internal The one place where jobs are driven: start, open (no entry), resume, pause,
 * cancel and shutdown, with their defaults. A `Flow` owns one host for the jobs it starts
 * itself; a `Runtime` owns one on its shared scheduler. Both check their arguments and
 * delegate here.
 */
export class JobHost {
  /** Jobs this host drives, by id: running ones, and paused ones when `keepPaused`. */
  readonly live = new Map<string, JobState>();
  private schedulerValue: Scheduler | undefined;
  private closing: Promise<void> | undefined;
  private readonly watcher = (run: JobRun): void => this.settledOne(run.state);
  /** `limitsOf` by the flow's own (fixed) limits object: the owner's limits are merged once per flow, not once per job. */
  private readonly mergedLimits = new WeakMap<ResolvedLimits, ResolvedLimits>();

  constructor(private readonly options: JobHostOptions) {}

  /** The host's scheduler (created on first use). */
  get scheduler(): Scheduler {
    return (this.schedulerValue ??= this.options.scheduler());
  }

  /** True once `shutdown` was called. */
  get isShutdown(): boolean {
    return this.closing !== undefined;
  }

  /** Starts a job (a new one, or the prepared `options.state`) at `entry`'s trigger slot. */
  start(flow: HostedFlow, plan: FlowPlan, entry: PlanNode, params: Record<string, unknown>, options: HostStartOptions): JobRun {
    const state = options.state ?? newJobState(flow.flowId, flow.historyLimit, flow.clock);
    const run = this.runFor(flow, plan, state, options.timeout, options.maxWorkers, options.flowName);
    run.start(entry, params);
    return run;
  }

  /** Starts a new job with no entry activation (its data arrives through `post`). */
  open(flow: HostedFlow, plan: FlowPlan, flowName?: string): JobRun {
    const run = this.runFor(flow, plan, newJobState(flow.flowId, flow.historyLimit, flow.clock), flow.executionTimeout, flow.maxWorkers, flowName);
    run.open();
    return run;
  }

  /**
   * Continues a paused or restored job of `flow` on this host: checks that its pending work
   * fits the flow's plan, then resumes it (deferred events first, then pending tasks).
   */
  resume(flow: HostedFlow, state: JobState, timeout?: number, flowName?: string): JobRun {
    const plan = flow.plan();
    checkRestorable(state, plan, flow.flowId);
    const run = this.runFor(flow, plan, state, timeout ?? state.writer.timeoutBudget ?? flow.executionTimeout, flow.maxWorkers, flowName);
    run.resume();
    return run;
  }

  /**
   * Runs exactly the first pending activation of a paused (or restored) job of `flow` on this
   * host, then pauses it again (services.md §2). Not paused → `NOT_PAUSED`.
   */
  step(flow: HostedFlow, state: JobState): Promise<{ taskId: string | null }> {
    if (state.status !== 'paused') {
      throw new ExecutionError(ErrorCode.NOT_PAUSED, `Job ${state.jobId} is ${state.status}; step runs one activation of a paused job (pause it, or set a breakpoint, first).`, { details: { jobId: state.jobId, status: state.status } });
    }
    const plan = flow.plan();
    checkRestorable(state, plan, flow.flowId);
    return this.runFor(flow, plan, state, state.writer.timeoutBudget ?? flow.executionTimeout, flow.maxWorkers, undefined).step();
  }

  /**
   * Takes a restored paused job into this host without running it (a recovered job):
   * it is tracked and committed through the store like the others, and resumes later.
   */
  adopt(flow: HostedFlow, state: JobState, flowName?: string): JobRun {
    const plan = flow.plan();
    checkRestorable(state, plan, flow.flowId);
    return this.runFor(flow, plan, state, state.writer.timeoutBudget ?? flow.executionTimeout, flow.maxWorkers, flowName);
  }

  /** Pauses a job running in this process, whichever host drives it. */
  pause(state: JobState, reason: string, checkpoint: unknown): Promise<void> {
    const run = state.liveRun;
    if (state.status !== 'running' || !(run instanceof JobRun)) {
      throw new ExecutionError(ErrorCode.INVALID_STATE, `Job ${state.jobId} is ${state.status} and not running in this process; only a running job can be paused (resume it first).`);
    }
    return run.pause(reason, checkpoint);
  }

  /**
   * Cancels an unfinished job: a live one through its run (resolves when its handlers settle
   * or after `grace` ms), a restored one that no run drives at once.
   */
  cancel(state: JobState, reason: string, grace: number): Promise<void> {
    const run = state.liveRun;
    if (run instanceof JobRun) return run.cancel(reason, grace);
    state.writer.cancelDetached(reason);
    return Promise.resolve();
  }

  /**
   * Stops the host: running jobs get `drainTimeout` ms to settle, those still running are
   * then cancelled with `grace`; paused jobs stay paused. Idempotent (the same promise).
   */
  shutdown(drainTimeout = DEFAULT_DRAIN_TIMEOUT, grace = DEFAULT_SHUTDOWN_GRACE, reason = 'shutdown'): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closing = (async () => {
      const running = this.running();
      if (running.length > 0 && drainTimeout > 0) {
        const clock = this.options.clock;
        let timer: unknown;
        await Promise.race([
          Promise.all(running.map((s) => (s.liveRun as JobRun).settled())),
          new Promise<void>((resolve) => {
            timer = clock.setTimeout(resolve, drainTimeout);
          }),
        ]);
        clock.clearTimeout(timer);
      }
      const stop = this.options.stopRunning;
      await Promise.all(this.running().map((s) => (stop !== undefined ? stop(s, grace) : this.cancel(s, reason, grace))));
      if (this.running().length === 0 && (!this.options.keepPaused || this.live.size === 0)) this.schedulerValue?.close();
    })();
    return this.closing;
  }

  /** Jobs of this host that are running now. */
  running(): JobState[] {
    const out: JobState[] = [];
    for (const state of this.live.values()) if (state.status === 'running') out.push(state);
    return out;
  }

  /** The limits of this host's jobs of `flow`: each limit the host's owner sets replaces the flow's. */
  limitsOf(flow: HostedFlow): ResolvedLimits {
    const own = this.options.limits;
    if (own === undefined) return flow.limits;
    const base = flow.limits;
    let merged = this.mergedLimits.get(base);
    if (merged === undefined) {
      merged = Object.freeze({ ...base, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) }) as ResolvedLimits;
      this.mergedLimits.set(base, merged);
    }
    return merged;
  }

  /** The job's run on this host's scheduler (its existing run when that one may be kept), tracked. */
  private runFor(flow: HostedFlow, plan: FlowPlan, state: JobState, timeout: number, maxWorkers: number, flowName: string | undefined): JobRun {
    const existing = state.liveRun;
    const limits = this.limitsOf(flow);
    const hub = this.options.hub;
    let run: JobRun;
    if (existing instanceof JobRun && existing.plan === plan && (this.options.adoptRuns || this.live.get(state.jobId) === state)) {
      run = existing;
      state.writer.setLimits(limits);
      if (hub !== undefined) run.ev.runtime = hub;
    } else {
      const store = this.options.store;
      this.options.leases?.hold(state.jobId); // before the job's first write
      run = new JobRun({
        flow,
        plan,
        state,
        clock: flow.clock,
        timeout,
        scheduler: this.scheduler,
        maxWorkers,
        limits,
        hub: flow._hub,
        runtimeHub: hub,
        store,
        flowName,
      });
    }
    this.live.set(state.jobId, state);
    run.watch(this.watcher);
    return run;
  }

  private settledOne(state: JobState): void {
    let left = false;
    if (this.live.get(state.jobId) === state && (state.isFinished || (!this.options.keepPaused && state.status !== 'running'))) {
      this.live.delete(state.jobId);
      left = state.isFinished;
    }
    if (state.isFinished) this.options.leases?.forget(state.jobId);
    this.options.onSettled?.(state, left);
  }
}
