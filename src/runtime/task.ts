import type { Flow } from '../flow/flow.js';
import type { JobState } from '../state/job-state.js';
import type { ActiveContext } from './context-store.js';
import type { PlanNode, PlanSlot } from './flow-plan.js';
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
export class Task implements ActiveContext {
  next: Task | null = null;
  constructor(
    readonly run: JobRun,
    readonly slot: PlanSlot,
    readonly data: Record<string, unknown>,
    readonly seq: number,
    readonly attempt: number,
    /** True for a retry: data is already merged into the slot buffer. */
    readonly merged: boolean,
    /**
     * True when `data` is the emitter's own payload object, shared by every target of the
     * emit: it is copied when the task runs (or is kept as pending work), so each slot still
     * gets a new top-level object while queued tasks share one payload.
     */
    readonly shared = false,
  ) {}

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

  emitFrom(routine: object, eventName: string, data: unknown): void {
    const node = this.slot.node;
    this.run.emitFrom(routine === node.routine ? node : this.run.nodeOf(routine), eventName, data);
  }

  /** A plain view for logs and debuggers (the getters are not enumerable). */
  toJSON(): { jobId: string; routineId: string; slotName: string; taskId: string; attempt: number } {
    return { jobId: this.run.state.jobId, routineId: this.routineId, slotName: this.slotName, taskId: this.taskId, attempt: this.attempt };
  }
}
