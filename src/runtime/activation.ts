import type { Flow } from '../flow/flow.js';
import type { JobState } from '../state/job-state.js';
import type { ActiveContext } from './context-store.js';
import type { PlanNode } from './flow-plan.js';
import type { JobRun } from './job-run.js';

/** @internal formats a task sequence number as the public task id. */
export function taskIdOf(seq: number): string {
  return `t${seq}`;
}

/** @internal the ExecutionContext of one running activation. */
export class Activation implements ActiveContext {
  constructor(
    readonly run: JobRun,
    readonly node: PlanNode,
    readonly slotName: string,
    readonly seq: number,
    readonly attempt: number,
  ) {}

  get flow(): Flow {
    return this.run.flow;
  }

  get jobState(): JobState {
    return this.run.state;
  }

  get routineId(): string {
    return this.node.id;
  }

  get taskId(): string {
    return taskIdOf(this.seq);
  }

  get signal(): AbortSignal {
    return this.run.signal;
  }

  emitFrom(routine: object, eventName: string, data: unknown): void {
    this.run.emitFrom(routine === this.node.routine ? this.node : this.run.nodeOf(routine), eventName, data);
  }
}
