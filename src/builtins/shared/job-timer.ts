import type { ExecutionContext } from '../../index.js';

/** How a job-bound wait ended. @internal */
export type WaitOutcome = 'timeout' | 'released' | 'aborted';

/** A wait that the activation awaiting it keeps alive. @internal */
export interface JobWait {
  readonly promise: Promise<WaitOutcome>;
  /** Ends the wait early (e.g. the batch was flushed by another activation). */
  release(): void;
}

/**
 * @internal Waits `ms` on the flow's clock for one activation. The activation awaits the
 * promise, so the job cannot complete while the timer is due (it is still running an
 * activation), and the timer never outlives the job: when the job is cancelled, fails or
 * times out (ctx.signal aborts) the timer is cleared and the wait ends with 'aborted'.
 * The timer callback only settles the promise; the awaiting handler emits afterwards,
 * inside its own execution context.
 */
export function waitInJob(ctx: ExecutionContext, ms: number): JobWait {
  const clock = ctx.flow.clock;
  let settle: (outcome: WaitOutcome) => void = () => undefined;
  let timer: unknown;
  const onAbort = (): void => settle('aborted');
  const promise = new Promise<WaitOutcome>((resolve) => {
    let done = false;
    settle = (outcome) => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
  });
  if (ctx.signal.aborted) settle('aborted');
  else {
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    timer = clock.setTimeout(() => settle('timeout'), ms);
  }
  return { promise, release: () => settle('released') };
}
