import type { PendingTask } from '../state/job-types.js';
import { taskIdOf, type Task } from './task.js';

/** @internal a task as the JobState keeps it while the job is paused or saved (its own payload copy). */
export function toPending(task: Task, delayMs: number): PendingTask {
  return {
    taskId: taskIdOf(task.seq),
    routineId: task.slot.node.id,
    slotName: task.slot.name,
    data: task.ownData(),
    attempt: task.attempt,
    merged: task.merged,
    delayMs,
  };
}

/** @internal `{ from: to }` mapping: copies each present `from` to `to`, keeps everything else. */
export function applyMapping(data: Record<string, unknown>, mapping: ReadonlyArray<readonly [string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (let i = 0; i < mapping.length; i++) {
    const [from, to] = mapping[i]!;
    if (Object.prototype.hasOwnProperty.call(data, from)) out[to] = data[from];
  }
  return out;
}
