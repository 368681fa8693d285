import type { Clock } from './clock.js';
import type { Task } from './task.js';

interface RetryWait {
  readonly task: Task;
  readonly dueAt: number;
  timer: unknown;
}

/** @internal a retry waiting for its backoff, with the delay still left. */
export interface WaitingRetry {
  readonly task: Task;
  /** Milliseconds until it is due (0 when overdue). */
  readonly remaining: number;
}

/**
 * @internal The retries of one job waiting out their backoff on the job's clock. No worker
 * is held while they wait; the set is created on first use (most jobs never retry).
 */
export class RetryWaits {
  private waits: Set<RetryWait> | undefined;

  constructor(private readonly clock: Clock) {}

  /** Calls `due(task)` after `delay` ms, unless `clear` comes first. */
  add(task: Task, delay: number, due: (task: Task) => void): void {
    const wait: RetryWait = { task, dueAt: this.clock.now() + delay, timer: undefined };
    wait.timer = this.clock.setTimeout(() => {
      this.waits?.delete(wait);
      due(task);
    }, delay);
    (this.waits ??= new Set()).add(wait);
  }

  /** The waiting retries in the order they were added, with their remaining delay. */
  list(): WaitingRetry[] {
    const out: WaitingRetry[] = [];
    if (this.waits === undefined) return out;
    const now = this.clock.now();
    for (const w of this.waits) out.push({ task: w.task, remaining: Math.max(0, w.dueAt - now) });
    return out;
  }

  /** Cancels the wait of the task with sequence number `seq`; true when there was one. */
  remove(seq: number): boolean {
    for (const w of this.waits ?? []) {
      if (w.task.seq !== seq) continue;
      this.clock.clearTimeout(w.timer);
      this.waits!.delete(w);
      return true;
    }
    return false;
  }

  /** Cancels every waiting retry and returns them (see `list`). */
  clear(): WaitingRetry[] {
    const out = this.list();
    for (const w of this.waits ?? []) this.clock.clearTimeout(w.timer);
    this.waits = undefined;
    return out;
  }
}
