import type { ExecutionFlow } from '../routine/execution-context.js';
import type { JobState } from '../state/job-state.js';
import type { ActivationLife } from './activation-life.js';
import type { Clock } from './clock.js';
import type { ActiveContext } from './context-store.js';
import type { PlanNode, PlanSlot, PlanTarget } from './flow-plan.js';

/** @internal a worker that waits for an asynchronous activation; the run resumes it when the activation settled. */
export interface ActivationSession {
  /** `now`: the monotonic time, if the caller just read it. */
  resume(now?: number): void;
}

/**
 * @internal What a task (and the lane and scheduler that carry it) needs from the run of its
 * job; `JobRun` implements it.
 */
export interface TaskRun {
  /** What handlers see as `ctx.flow`. */
  readonly flow: ExecutionFlow;
  readonly clock: Clock;
  readonly state: JobState;
  /** The abort signal of one activation. */
  signalOf(task: Task): AbortSignal;
  /** An emit of `task` after it was cut loose: ignored and counted. */
  lateEmit(task: Task): void;
  /** A delivery to a slot of `task`'s routine after `delayMs` (ctx.schedule); returns its task id. */
  scheduleFrom(task: Task, slotName: string, data: Record<string, unknown>, delayMs: number): string;
  /** Cancels a scheduled delivery that has not run yet (ctx.cancelScheduled). */
  cancelScheduled(taskId: string): boolean;
  /** Runs a dispatched task; true when it went asynchronous (`session` is resumed when it settles). */
  runTask(task: Task, session: ActivationSession): boolean;
  holdFor(task: Task, promise: PromiseLike<unknown>): void;
  emitFrom(node: PlanNode, eventName: string, data: unknown, from?: Task): void;
  nodeOf(routine: object): PlanNode;
}

/** @internal formats a task sequence number as the public task id. */
export function taskIdOf(seq: number): string {
  return `t${seq}`;
}

/**
 * @internal The rest of a fan-out: one emit to several targets is queued as one lane entry;
 * the lane creates the task of each target when it dispatches it (`index` is the next one).
 * A wide fan-out thus keeps one queued entry per emit instead of one per target.
 */
export class FanOutRest {
  /** Index in `targets` of the next target to dispatch. */
  index = 0;
  constructor(
    readonly targets: readonly PlanTarget[],
    readonly payload: Record<string, unknown>,
    /** Sequence number of the first target's task; target i has firstSeq + i. */
    readonly firstSeq: number,
  ) {}
}

/**
 * @internal One slot activation, created when it is dispatched (queued work lives in the
 * lane's chunks, see lane.ts). It is also the handler's ExecutionContext, so an activation
 * allocates one object.
 */
export class Task implements ActiveContext {
  /** The flag bits of a task: attempt << 2 | shared << 1 | merged. */
  static bitsOf(attempt: number, merged: boolean, shared: boolean): number {
    return attempt * 4 + (shared ? 2 : 0) + (merged ? 1 : 0);
  }

  constructor(
    readonly run: TaskRun,
    readonly slot: PlanSlot,
    /** The payload; once the task runs, the handler's input (its own copy, merged if the slot merges). */
    public data: Record<string, unknown>,
    readonly seq: number,
    /** See `Task.bitsOf` (a breakpoint whose condition reads the merged input marks the task merged). */
    public bits: number,
  ) {}

  /** Signal, activation timeout, holds and late state of this activation; only created when one is needed. */
  life: ActivationLife | undefined = undefined;

  /** 1 on the first run, 2 on the first retry, … */
  get attempt(): number {
    return this.bits >>> 2;
  }

  /** True for a retry: data is already merged into the slot buffer. */
  get merged(): boolean {
    return (this.bits & 1) !== 0;
  }

  /**
   * True when `data` is the emitter's payload copy shared by every target of a fan-out: it
   * is copied again when the task runs (or is kept as pending work), so each slot still gets
   * a new top-level object while the queue holds one payload per emit.
   */
  get shared(): boolean {
    return (this.bits & 2) !== 0;
  }

  /** The payload this task hands on: a shallow copy when the object is shared. */
  ownData(): Record<string, unknown> {
    return this.shared ? { ...this.data } : this.data;
  }

  get node(): PlanNode {
    return this.slot.node;
  }

  get flow(): ExecutionFlow {
    return this.run.flow;
  }

  get flowId(): string {
    return this.run.flow.flowId;
  }

  get clock(): Clock {
    return this.run.clock;
  }

  get jobState(): JobState {
    return this.run.state;
  }

  get routineId(): string {
    return this.slot.node.id;
  }

  get slotName(): string {
    return this.slot.name;
  }

  get taskId(): string {
    return taskIdOf(this.seq);
  }

  get signal(): AbortSignal {
    return this.run.signalOf(this);
  }

  schedule(slotName: string, data: Record<string, unknown>, delayMs: number): string {
    return this.run.scheduleFrom(this, slotName, data, delayMs);
  }

  cancelScheduled(taskId: string): boolean {
    return this.run.cancelScheduled(taskId);
  }

  waitUntil(promise: PromiseLike<unknown>): void {
    this.run.holdFor(this, promise);
  }

  emitFrom(routine: object, eventName: string, data: unknown): void {
    if (this.life !== undefined && this.life.detached) {
      this.run.lateEmit(this); // the activation was cut loose: its emits are ignored and counted
      return;
    }
    const node = this.slot.node;
    this.run.emitFrom(routine === node.routine ? node : this.run.nodeOf(routine), eventName, data, this);
  }

  /** A plain view for logs and debuggers (the getters are not enumerable). */
  toJSON(): { jobId: string; routineId: string; slotName: string; taskId: string; attempt: number } {
    return { jobId: this.run.state.jobId, routineId: this.routineId, slotName: this.slotName, taskId: this.taskId, attempt: this.attempt };
  }
}
