import type { JobWriter } from '../state/job-writer.js';
import type { Clock } from './clock.js';

/**
 * @internal A job's running-time budget (`timeout`): armed while the job runs, disarmed when
 * it pauses or ends. Only running time counts; the time used so far is kept in the JobState,
 * so the budget carries over a pause, a save and a resume in another process.
 */
export class JobTimeout {
  private timer: unknown;
  private segmentStart = 0;

  constructor(
    private readonly job: JobWriter,
    private readonly clock: Clock,
    private readonly expired: () => void,
  ) {}

  /** Starts a running segment at `at` (monotonic ms of the clock, default: read now); `expired` is called when the rest of the budget is used up. */
  arm(at?: number): void {
    const budget = (this.job.timeoutBudget ?? Infinity) - this.job.elapsedMs;
    this.segmentStart = at ?? this.clock.monotonic();
    if (!Number.isFinite(budget)) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.expired();
    }, Math.max(0, budget));
  }

  /** Ends the running segment: its time counts against the budget. */
  disarm(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.job.addElapsed(this.clock.monotonic() - this.segmentStart);
  }
}
