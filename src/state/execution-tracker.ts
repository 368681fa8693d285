/** Performance figures of one routine within a job. */
export interface RoutinePerformance {
  totalExecutions: number;
  completed: number;
  failed: number;
  /** completed ÷ totalExecutions (0 when none). */
  successRate: number;
  /** Milliseconds. */
  avgExecutionTime: number;
  minExecutionTime: number;
  maxExecutionTime: number;
}

/** Performance figures of a whole job. */
export interface FlowPerformance {
  /** Routines that ran at least once. */
  totalRoutines: number;
  /** Events emitted. */
  totalEvents: number;
  /** Sum of activation times, milliseconds. */
  totalExecutionTime: number;
  /** totalExecutionTime ÷ activations. */
  avgRoutineTime: number;
}

/** @internal the counters of one routine. */
export class RoutineStats {
  total = 0;
  completed = 0;
  failed = 0;
  time = 0;
  min = Infinity;
  max = 0;

  /** Successful activations not yet counted and timed (see `Scheduler.recordSync`). */
  untimed = 0;
  /** Next routine in the scheduler's list of routines with untimed activations. */
  nextUntimed: RoutineStats | null = null;

  add(ok: boolean, ms: number): void {
    this.total++;
    if (ok) this.completed++;
    else this.failed++;
    this.time += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Counts the untimed (successful) activations, each with the duration `ms`. */
  timeUntimed(ms: number): void {
    const n = this.untimed;
    this.total += n;
    this.completed += n;
    this.time += ms * n;
    this.untimed = 0;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }
}

/**
 * Per-job execution metrics: how often each routine ran, how often it failed and how
 * long its activations took. Aggregates only, so memory stays bounded.
 */
export class ExecutionTracker {
  private readonly stats = new Map<string, RoutineStats>();
  /** @internal */
  events = 0;

  /** @internal the counters of one routine (created on first use; callers may keep it). */
  statsOf(routineId: string): RoutineStats {
    let s = this.stats.get(routineId);
    if (s === undefined) {
      s = new RoutineStats();
      this.stats.set(routineId, s);
    }
    return s;
  }

  /** Figures for one routine, or undefined if it never ran in this job. */
  getRoutinePerformance(routineId: string): RoutinePerformance | undefined {
    const s = this.stats.get(routineId);
    if (s === undefined) return undefined;
    return {
      totalExecutions: s.total,
      completed: s.completed,
      failed: s.failed,
      successRate: s.total === 0 ? 0 : s.completed / s.total,
      avgExecutionTime: s.total === 0 ? 0 : s.time / s.total,
      minExecutionTime: s.total === 0 ? 0 : s.min,
      maxExecutionTime: s.max,
    };
  }

  /** Figures for the whole job. */
  getFlowPerformance(): FlowPerformance {
    let time = 0;
    let n = 0;
    for (const s of this.stats.values()) {
      time += s.time;
      n += s.total;
    }
    return { totalRoutines: this.stats.size, totalEvents: this.events, totalExecutionTime: time, avgRoutineTime: n === 0 ? 0 : time / n };
  }

  /** @internal plain snapshot for serialization. */
  toJSON(): { events: number; routines: Record<string, { total: number; completed: number; failed: number; time: number; min: number | null; max: number }> } {
    const routines: Record<string, { total: number; completed: number; failed: number; time: number; min: number | null; max: number }> = {};
    for (const [id, s] of this.stats) routines[id] = { total: s.total, completed: s.completed, failed: s.failed, time: s.time, min: Number.isFinite(s.min) ? s.min : null, max: s.max };
    return { events: this.events, routines };
  }

  /** @internal restores a snapshot made by toJSON. */
  static fromJSON(data: ReturnType<ExecutionTracker['toJSON']>): ExecutionTracker {
    const t = new ExecutionTracker();
    t.events = data.events;
    for (const [id, r] of Object.entries(data.routines)) {
      const s = new RoutineStats();
      s.total = r.total;
      s.completed = r.completed;
      s.failed = r.failed;
      s.time = r.time;
      s.min = r.min ?? Infinity;
      s.max = r.max;
      t.stats.set(id, s);
    }
    return t;
  }
}
