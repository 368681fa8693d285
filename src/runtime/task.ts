import type { PlanSlot } from './flow-plan.js';
import type { JobRun } from './job-run.js';

/**
 * @internal One queued slot activation. Tasks are also the nodes of their job's
 * intrusive FIFO list, so queueing allocates nothing beyond the task itself.
 */
export class Task {
  next: Task | null = null;
  constructor(
    readonly run: JobRun,
    readonly slot: PlanSlot,
    readonly data: Record<string, unknown>,
    readonly seq: number,
    readonly attempt: number,
    /** True for a retry: data is already merged into the slot buffer. */
    readonly merged: boolean,
  ) {}
}
