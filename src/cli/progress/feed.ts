import { JobState, type Flow, type RoutiluxEvent } from '../../index.js';

/** Counts of one routine of a running job. */
export interface RoutineProgress {
  /** Activations that finished (successfully or not), retries included. */
  readonly done: number;
  /** Activations that ended with an error (failed, retried, continued or skipped attempts). */
  readonly failed: number;
  /** Activations waiting to run for this routine. */
  readonly queued: number;
  /** `pending`, `queued`, `running`, `completed`, `failed`, … (the job's routine state once the job stopped). */
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

/** An output record a routine sent (`sendOutput`), as the event stream carries it. */
export interface OutputLine {
  readonly routineId: string;
  readonly outputType: string;
  readonly data: unknown;
}

/** Where a progress view gets its snapshots and the job's outputs. */
export interface ProgressFeed {
  /**
   * Calls `update` with snapshots until the job stops running (and once at the end), and
   * `output` for each output record as it is sent; resolves when the job stopped.
   */
  follow(job: JobState, update: (progress: JobProgress) => void, output: (line: OutputLine) => void): Promise<void>;
}

interface Counter {
  done: number;
  failed: number;
  queued: number;
  running: number;
  lastOutcome: string | undefined;
}

/**
 * Per-routine counters kept from the event stream: `event.emitted` queues one activation
 * on each connected routine, `activation.started` takes it off the queue, a `retrying`
 * outcome puts it back.
 */
class Counters {
  private readonly byRoutine = new Map<string, Counter>();
  private readonly targets = new Map<string, string[]>();

  constructor(flow: Flow, initialQueued: Readonly<Record<string, number>>) {
    for (const id of flow.routines.keys()) this.byRoutine.set(id, { done: 0, failed: 0, queued: initialQueued[id] ?? 0, running: 0, lastOutcome: undefined });
    for (const c of flow.connections) {
      const key = `${c.sourceRoutineId}\u0000${c.sourceEvent}`;
      this.targets.set(key, [...(this.targets.get(key) ?? []), c.targetRoutineId]);
    }
  }

  apply(e: RoutiluxEvent): void {
    switch (e.type) {
      case 'event.emitted':
        for (const id of this.targets.get(`${e.routineId}\u0000${e.event}`) ?? []) this.counter(id).queued++;
        return;
      case 'activation.started': {
        const c = this.counter(e.routineId);
        c.queued = Math.max(0, c.queued - 1);
        c.running++;
        return;
      }
      case 'activation.finished': {
        const c = this.counter(e.routineId);
        c.running = Math.max(0, c.running - 1);
        c.done++;
        if (e.outcome !== 'completed') c.failed++;
        if (e.outcome === 'retrying') c.queued++;
        c.lastOutcome = e.outcome;
        return;
      }
      default:
        return;
    }
  }

  private counter(id: string): Counter {
    let c = this.byRoutine.get(id);
    if (c === undefined) {
      c = { done: 0, failed: 0, queued: 0, running: 0, lastOutcome: undefined };
      this.byRoutine.set(id, c);
    }
    return c;
  }

  /** The per-routine rows; once the job stopped, statuses come from the job itself. */
  rows(job: JobState, stopped: boolean): Record<string, RoutineProgress> {
    const out: Record<string, RoutineProgress> = {};
    for (const [id, c] of this.byRoutine) {
      const live = c.running > 0 ? 'running' : c.queued > 0 ? 'queued' : c.lastOutcome === 'failed' ? 'failed' : c.done > 0 ? 'completed' : 'pending';
      out[id] = { done: c.done, failed: c.failed, queued: stopped ? 0 : c.queued, status: stopped ? (job.routineStates[id]?.status ?? live) : live };
    }
    return out;
  }
}

/**
 * A feed on the flow's event stream (`flow.events$`). It subscribes when made — before the
 * job starts, so the first events are not missed — keeps only the events of the job it
 * follows, and samples the job's queue totals every `intervalMs` for the views.
 * `initialQueued` is the work already queued per routine (the entry activation, or the
 * pending tasks of a resumed job).
 */
export function eventFeed(flow: Flow, initialQueued: Readonly<Record<string, number>>, intervalMs: number, now: () => number = () => performance.now()): ProgressFeed {
  const started = now();
  const counters = new Counters(flow, initialQueued);
  const early: RoutiluxEvent[] = [];
  let sink: ((e: RoutiluxEvent) => void) | undefined;
  const subscription = flow.events$.subscribe((e) => (sink !== undefined ? sink(e) : early.push(e)));
  return {
    async follow(job, update, output) {
      let totals = { queueSize: 0, active: 0 };
      const snapshot = (stopped: boolean): JobProgress => ({ jobId: job.jobId, status: job.status, elapsedMs: now() - started, queued: totals.queueSize, active: totals.active, routines: counters.rows(job, stopped) });
      sink = (e) => {
        if (e.jobId !== job.jobId) return;
        counters.apply(e);
        if (e.type === 'output') output({ routineId: e.routineId, outputType: e.outputType, data: e.data });
      };
      for (const e of early.splice(0)) sink(e);
      try {
        update(snapshot(false));
        await JobState.waitForCompletion(flow, job, {
          progressInterval: intervalMs,
          onProgress: (p) => {
            totals = { queueSize: p.queueSize, active: p.active };
            if (p.status === 'running' || p.status === 'pending') update(snapshot(false));
          },
        });
        update(snapshot(true));
      } finally {
        subscription.unsubscribe();
      }
    },
  };
}
