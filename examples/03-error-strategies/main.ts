/**
 * 03 — error strategies: STOP, CONTINUE, SKIP and RETRY.
 *
 *   source ──item──▶ flaky ──ok──▶ sink
 *
 * `source` emits three items; `flaky` fails on item 2 for its first `failures` attempts.
 * Each scenario builds the same flow with a different error handler and prints how the
 * job and the routine ended. Routine failures never reject `execute`: they are in the
 * returned JobState.
 */
import { ErrorHandler, ErrorStrategy, Flow, RoutineBase } from 'routilux';

class Source extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('item', ['n']);
    this.defineSlot('trigger', () => {
      for (const n of [1, 2, 3]) this.emit('item', { n });
    });
  }
}

class Flaky extends RoutineBase {
  constructor(failures: number) {
    super();
    this.setConfig({ failures });
    this.defineEvent('ok', ['n']);
    this.defineSlot<{ n: number }>('input', (data, ctx) => {
      if (data.n === 2 && ctx.attempt <= this.getConfig<number>('failures')) {
        // Any error works; a string `code` on it becomes the code recorded in the job.
        throw Object.assign(new Error(`item ${data.n} failed on attempt ${ctx.attempt}`), { code: 'UPSTREAM_UNAVAILABLE' });
      }
      this.emit('ok', { n: data.n });
    });
  }
}

class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ n: number }>('input', (data, ctx) => {
      ctx.jobState.updateSharedData('received', [...ctx.jobState.getSharedData<number[]>('received', [])!, data.n]);
    });
  }
}

interface Scenario {
  title: string;
  failures: number;
  routineHandler?: ErrorHandler;
  flowHandler?: ErrorHandler;
  /** The job status and flaky's routine status this scenario should end with. */
  expect: [job: string, routine: string];
}

let mismatches = 0;

async function run(s: Scenario): Promise<void> {
  const flow = new Flow();
  flow.addRoutine(new Source(), 'source');
  const flaky = new Flaky(s.failures);
  if (s.routineHandler !== undefined) flaky.setErrorHandler(s.routineHandler);
  flow.addRoutine(flaky, 'flaky');
  flow.addRoutine(new Sink(), 'sink');
  flow.connect('source', 'item', 'flaky', 'input');
  flow.connect('flaky', 'ok', 'sink', 'input');
  if (s.flowHandler !== undefined) flow.setErrorHandler(s.flowHandler);

  const job = await flow.execute('source');
  const flakyState = job.getRoutineState('flaky');
  const errors = job.getExecutionHistory('flaky').filter((h) => h.eventName === 'error').length;
  console.log(`\n${s.title}`);
  console.log(`  job: ${job.status}${job.error ? ` — error ${job.error.code} in ${job.error.routineId}` : ''}`);
  console.log(`  flaky: ${flakyState?.status}, retries ${flakyState?.retryCount ?? 0}, errors in history ${errors}`);
  console.log(`  sink received: ${JSON.stringify(job.getSharedData('received', []))}`);
  if (job.status !== s.expect[0] || flakyState?.status !== s.expect[1]) {
    mismatches++;
    console.log(`  UNEXPECTED: wanted job ${s.expect[0]}, flaky ${s.expect[1]}`);
  }
}

await run({ title: 'STOP (no handler anywhere: the default)', failures: 1, expect: ['failed', 'failed'] });
await run({ title: 'CONTINUE (flow-level handler; the routine has none)', failures: 1, flowHandler: new ErrorHandler({ strategy: ErrorStrategy.CONTINUE }), expect: ['completed', 'error_continued'] });
await run({ title: 'SKIP (routine-level handler)', failures: 1, routineHandler: new ErrorHandler({ strategy: ErrorStrategy.SKIP }), expect: ['completed', 'skipped'] });
await run({
  title: 'RETRY: fails twice, succeeds on attempt 3 (delays 5 ms, then 10 ms)',
  failures: 2,
  routineHandler: new ErrorHandler({ strategy: ErrorStrategy.RETRY, maxRetries: 3, retryDelay: 5, retryBackoff: 2 }),
  expect: ['completed', 'completed'],
});
await run({
  title: 'RETRY exhausted, not critical: the routine is failed, the job goes on',
  failures: 10,
  routineHandler: new ErrorHandler({ strategy: ErrorStrategy.RETRY, maxRetries: 2, retryDelay: 1, isCritical: false }),
  expect: ['completed', 'failed'],
});
await run({
  title: 'RETRY exhausted, critical (the default): acts as STOP',
  failures: 10,
  routineHandler: new ErrorHandler({ strategy: ErrorStrategy.RETRY, maxRetries: 2, retryDelay: 1 }),
  expect: ['failed', 'failed'],
});
await run({
  title: 'RETRY with a retryable predicate that says no: no retry, acts as STOP',
  failures: 1,
  routineHandler: new ErrorHandler({ strategy: ErrorStrategy.RETRY, retryDelay: 1, retryable: (e) => !/item 2/.test(e.message) }),
  expect: ['failed', 'failed'],
});

console.log(mismatches === 0 ? '\nall scenarios ended as expected' : `\n${mismatches} scenario(s) ended unexpectedly`);
process.exitCode = mismatches === 0 ? 0 : 1;
