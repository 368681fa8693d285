import type { Flow } from '../flow/flow.js';
import type { JobState } from '../state/job-state.js';
import type { ActiveContext } from './context-store.js';
import type { PlanNode, PlanSlot, PlanTarget } from './flow-plan.js';
import type { JobRun } from './job-run.js';

/** @internal formats a task sequence number as the public task id. */
export function taskIdOf(seq: number): string {
  return `t${seq}`;
}

/**
 * @internal One slot activation. A task is three things at once, so the hot path
 * allocates one object per activation: the queued work, the node of its job's intrusive
 * FIFO list, and — while it runs — the handler's ExecutionContext.
 */
/**
 * @internal The rest of a fan-out: one emit to several targets is queued as one task for
 * the first target; the scheduler creates the task of the next target when it dispatches
 * this one. A wide fan-out thus keeps one queued object per emit instead of one per target.
 */
export class FanOutRest {
  constructor(
    readonly targets: readonly PlanTarget[],
    readonly payload: Record<string, unknown>,
    /** Sequence number of the first target's task; target i has firstSeq + i. */
    readonly firstSeq: number,
  ) {}
}

export class Task implements ActiveContext {
  next: Task | null = null;
  /** For a fan-out: the targets after this task's own (its index is `seq - fan.firstSeq`). */
  fan: FanOutRest | null = null;
  /** attempt << 2 | shared << 1 | merged: queued tasks are the bulk of a job's memory, so they stay small. */
  private readonly bits: number;

  constructor(
    readonly run: JobRun,
    readonly slot: PlanSlot,
    readonly data: Record<string, unknown>,
    readonly seq: number,
    attempt: number,
    merged: boolean,
    shared = false,
  ) {
    this.bits = attempt * 4 + (shared ? 2 : 0) + (merged ? 1 : 0);
  }

  /** 1 on the first run, 2 on the first retry, … */
  get attempt(): number {
    return this.bits >>> 2;
  }

  /** True for a retry: data is already merged into the slot buffer. */
  get merged(): boolean {
    return (this.bits & 1) !== 0;
  }

  /**
   * True when `data` is the emitter's own payload object, shared by every target of the
   * emit: it is copied when the task runs (or is kept as pending work), so each slot still
   * gets a new top-level object while queued tasks share one payload.
   */
  get shared(): boolean {
    return (this.bits & 2) !== 0;
  }

  /** Targets of the same emit still queued behind this task (0 unless a fan-out). */
  get fanRemaining(): number {
    const fan = this.fan;
    return fan === null ? 0 : fan.targets.length - 1 - (this.seq - fan.firstSeq);
  }

  /** The task of the fan-out's next target (call only when `fanRemaining > 0`). */
  fanNext(): Task {
    const fan = this.fan!;
    const i = this.seq - fan.firstSeq + 1;
    const next = new Task(this.run, fan.targets[i]!.slot, fan.payload, fan.firstSeq + i, 1, false, true);
    if (i + 1 < fan.targets.length) next.fan = fan;
    return next;
  }

  /** The payload this task hands on: a shallow copy when the object is shared. */
  ownData(): Record<string, unknown> {
    return this.shared ? { ...this.data } : this.data;
  }

  get node(): PlanNode {
    return this.slot.node;
  }

  get flow(): Flow {
    return this.run.flow;
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
    return this.run.signal;
  }

  waitUntil(promise: PromiseLike<unknown>): void {
    this.run.holdFor(this, promise);
  }

  emitFrom(routine: object, eventName: string, data: unknown): void {
    const node = this.slot.node;
    this.run.emitFrom(routine === node.routine ? node : this.run.nodeOf(routine), eventName, data);
  }

  /** A plain view for logs and debuggers (the getters are not enumerable). */
  toJSON(): { jobId: string; routineId: string; slotName: string; taskId: string; attempt: number } {
    return { jobId: this.run.state.jobId, routineId: this.routineId, slotName: this.slotName, taskId: this.taskId, attempt: this.attempt };
  }
}
