import { JobState, type Flow } from '../../index.js';

/** Counts of one routine of a running job. */
export interface RoutineProgress {
  /** Activations that finished (successfully or not), retries included. */
  readonly done: number;
  /** Activations that failed. */
  readonly failed: number;
  /** Activations waiting to run for this routine. */
  readonly queued: number;
  /** The routine's status in the job (`pending`, `running`, `completed`, `failed`, …). */
  readonly status: string;
}

/** A snapshot of a job for a progress view. */
export interface JobProgress {
  readonly jobId: string;
  readonly status: string;
  readonly elapsedMs: number;
  /** Activations queued and running over the whole job. */
  readonly queued: number;
  readonly active: number;
  readonly routines: Readonly<Record<string, RoutineProgress>>;
}

/**
 * Where a progress view gets its snapshots. Today {@link pollJob} samples the public API
 * on a timer; an implementation on the engine's event stream can replace it without
 * touching the views.
 */
export interface ProgressFeed {
  /** Calls `update` with snapshots until the job stops running (and once at the end); resolves then. */
  follow(update: (progress: JobProgress) => void): Promise<void>;
}

function queuedByRoutine(job: JobState): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    // serialize() snapshots the pending work of a running job; it is the public way to see it per routine
    for (const task of job.serialize().pendingTasks) out[task.routineId] = (out[task.routineId] ?? 0) + 1;
  } catch {
    // job data that does not serialize: per-routine queues stay unknown (0), the totals still show
  }
  return out;
}

/** @internal a snapshot of `job` from its tracker, routine states and pending work. */
export function snapshot(flow: Flow, job: JobState, totals: { queueSize: number; active: number }, elapsedMs: number): JobProgress {
  const queued = queuedByRoutine(job);
  const routines: Record<string, RoutineProgress> = {};
  for (const id of flow.routines.keys()) {
    const perf = job.tracker.getRoutinePerformance(id);
    routines[id] = { done: perf?.totalExecutions ?? 0, failed: perf?.failed ?? 0, queued: queued[id] ?? 0, status: job.routineStates[id]?.status ?? 'pending' };
  }
  return { jobId: job.jobId, status: job.status, elapsedMs, queued: totals.queueSize, active: totals.active, routines };
}

/** A feed that samples `job` every `intervalMs` through `JobState.waitForCompletion`'s onProgress. */
export function pollJob(flow: Flow, job: JobState, intervalMs: number, now: () => number = () => performance.now()): ProgressFeed {
  const started = now();
  return {
    async follow(update) {
      update(snapshot(flow, job, { queueSize: 0, active: 0 }, now() - started));
      await JobState.waitForCompletion(flow, job, {
        progressInterval: intervalMs,
        onProgress: (p) => update(snapshot(flow, job, p, now() - started)),
      });
    },
  };
}
