/**
 * 11 — schedules: a runtime starts jobs of a flow on a cron pattern or a period.
 *
 * The runtime runs on a manual clock (`TestClock`), so the example moves through a week
 * around the spring clock change in Europe/Berlin in a blink and prints when each job ran.
 * With the real clock (the default), the same schedule fires at the same local times.
 */
import { Flow, FlowRegistry, RoutineBase, Runtime, type ExecutionContext } from 'routilux';
import { TestClock } from 'routilux/testing';

const clock = new TestClock(new Date('2024-03-29T12:00:00Z'));
const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });

/** Writes a report line; takes 90 minutes of (manual) time for the "slow" kind. */
class Report extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ kind: string }>('trigger', async (data, ctx: ExecutionContext) => {
      console.log(`${data.kind.padEnd(7)} ran at ${berlin.format(clock.now())}  (${new Date(clock.now()).toISOString()})  job ${ctx.jobState.jobId.slice(0, 8)}`);
      if (data.kind === 'slow') await new Promise<void>((resolve) => clock.setTimeout(resolve, 90 * 60_000));
    });
  }
}

const flow = new Flow({ flowId: 'reports', clock, executionTimeout: Infinity, executionStrategy: 'concurrent' });
flow.addRoutine(new Report(), 'report');
const registry = new FlowRegistry();
registry.registerByName('reports', flow);
const runtime = new Runtime({ registry, clock });

// 02:30 Berlin time every day: on 31 March 02:30 does not exist, so it runs at 03:00 CEST.
const nightly = runtime.schedule('reports', { id: 'nightly', cron: '30 2 * * *', timezone: 'Europe/Berlin', entryParams: { kind: 'nightly' }, overlap: 'skip' });
console.log(`nightly: next runs ${nightly.upcoming(3).map((t) => berlin.format(t)).join(' | ')}`);
await clock.advance(3 * 24 * 60 * 60_000);

// Every hour, a job that takes 90 minutes: 'skip' drops every other tick.
const slow = runtime.schedule('reports', { id: 'slow', everyMs: 60 * 60_000, entryParams: { kind: 'slow' }, overlap: 'skip' });
await clock.advance(4 * 60 * 60_000);
console.log(`slow: ${JSON.stringify({ runs: slow.info().runs, skipped: slow.info().skipped })}`);

slow.pause();
await clock.advance(6 * 60 * 60_000); // paused: nothing runs
slow.remove();
console.log(`schedules: ${runtime.schedules().map((s) => `${s.id} (${s.status}, runs ${s.info().runs})`).join(', ')}`);
await runtime.shutdown({ drainTimeout: 0 });
console.log(`after shutdown: ${runtime.schedules().length} schedules`);
