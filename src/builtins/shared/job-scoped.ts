import type { ExecutionContext, JobState } from '../../index.js';

/**
 * @internal Per-job state of a routine, keyed by the job's JobState and the routine id,
 * so one routine instance serves many jobs at once without sharing anything between
 * them. Entries disappear with their JobState (WeakMap); nothing is kept on the routine.
 */
export class JobScoped<T> {
  private readonly jobs = new WeakMap<JobState, Map<string, T>>();

  /** The state of `ctx`'s job and routine, created on first use. */
  get(ctx: ExecutionContext, create: () => T): T {
    let byRoutine = this.jobs.get(ctx.jobState);
    if (byRoutine === undefined) {
      byRoutine = new Map();
      this.jobs.set(ctx.jobState, byRoutine);
    }
    let state = byRoutine.get(ctx.routineId);
    if (state === undefined) {
      state = create();
      byRoutine.set(ctx.routineId, state);
    }
    return state;
  }

  /** Forgets the state of `ctx`'s job and routine. */
  delete(ctx: ExecutionContext): void {
    this.jobs.get(ctx.jobState)?.delete(ctx.routineId);
  }
}
