import { JobState, type Flow } from '../index.js';
import { TestClock, flushAsync } from './test-clock.js';

/**
 * @internal waits until `job` stops running. With `clock`, time is skipped: whenever an
 * event-loop turn passes with the job still running, the next timer of the clock fires
 * (retry backoffs, time-interval policies, timeouts). Stubs should resolve without real I/O.
 */
export async function driveToEnd(flow: Flow, job: JobState, clock: TestClock | undefined): Promise<void> {
  let done = false;
  const finished = JobState.waitForCompletion(flow, job).then(() => {
    done = true;
  });
  if (clock === undefined) return finished;
  while (!done) {
    await flushAsync();
    if (done) break;
    if (clock.pendingTimers > 0) await clock.runNext();
    else await Promise.race([finished, clock.whenTimers(1)]);
  }
  return finished;
}
