import type { JobState } from '../state/job-state.js';

/** The reason recorded by the pause point of a job that a shutdown suspended. */
export const SUSPEND_REASON = 'runtime shutdown';

/** The checkpoint of a shutdown's pause: `recover()` resumes a job paused with it (a job paused by a user stays paused). */
export const SUSPENDED: Readonly<{ suspendedBy: 'runtime shutdown' }> = Object.freeze({ suspendedBy: 'runtime shutdown' });

/** True when the job's last pause was a shutdown's suspension. */
export function wasSuspended(state: JobState): boolean {
  const last = state.pausePoints[state.pausePoints.length - 1] as { checkpoint?: unknown } | undefined;
  const c = last?.checkpoint as { suspendedBy?: unknown } | null | undefined;
  return typeof c === 'object' && c !== null && c.suspendedBy === SUSPENDED.suspendedBy && Object.keys(c).length === 1;
}

