import type { Clock } from '../runtime/clock.js';

/** A job a schedule started: its id, and a promise that settles when it no longer runs. */
export interface StartedJob {
  readonly jobId: string;
  /** Settles when the job is completed, failed, cancelled or paused. */
  readonly settled: Promise<unknown>;
}

/** What a run of a schedule asks its host to start. */
export interface ScheduleStart {
  readonly entryRoutineId?: string;
  readonly entryParams: Record<string, unknown>;
}

/**
 * The narrow seam between the schedules and the runtime that owns them: the clock all
 * instants and timers are computed on, and a way to start one job. `runtime.schedule`
 * supplies one (its clock, `runtime.exec`); tests may supply their own.
 */
export interface ScheduleHost {
  readonly clock: Clock;
  /** Starts a job of the flow registered as `flowName`; throws what `runtime.exec` throws. */
  startJob(flowName: string, start: ScheduleStart): StartedJob;
}
