import type { Clock } from '../runtime/clock.js';
import type { PendingTask } from './job-types.js';

/** @internal what a running job exposes to its JobState. */
export interface JobRunLink {
  readonly clock: Clock;
  settled(): Promise<void>;
  progress(): { queueSize: number; active: number };
  /** Pending work as a pause right now would leave it (a running job's snapshot). */
  snapshotPending(): PendingTask[];
  /** Checks a per-job policy override's target and re-evaluates that routine's queued data. */
  onPolicyOverride?(routineId: string): void;
  /** The job's breakpoints changed (the run checks them before each activation). */
  onBreakpoints?(): void;
  /** A routine sent an output (for the event stream). */
  onOutput?(routineId: string, outputType: string, data: unknown): void;
}
