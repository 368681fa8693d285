import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState, RoutineBase, type ExecutionContext } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

// Every timestamp of a job comes from its flow's clock: a manual clock set to 2001 would give
// itself away if anything read the machine's time instead.
const START = Date.UTC(2001, 1, 3, 4, 5, 6);

class Source extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', (data: Record<string, unknown>, ctx: ExecutionContext) => {
      ctx.jobState.appendToSharedLog({ step: 'source' });
      ctx.jobState.updateSharedData('seen', data['n']);
      ctx.jobState.recordExecution('source', 'note', { by: 'hand' });
      this.sendOutput('progress', { n: data['n'] });
      this.emit('out', { n: data['n'] });
    });
    this.defineEvent('out', ['n']);
  }
}

class Flaky extends RoutineBase {
  constructor(private readonly failures: { left: number }) {
    super();
    this.defineSlot('input', () => {
      if (this.failures.left-- > 0) throw new Error('not yet');
    });
  }
}

function allTimestamps(doc: ReturnType<JobState['serialize']>): string[] {
  return [
    doc.createdAt,
    doc.updatedAt,
    ...doc.executionHistory.map((r) => r.timestamp),
    ...doc.sharedLog.map((e) => String(e['timestamp'])),
    ...doc.outputLog.map((o) => o.timestamp),
    ...doc.pausePoints.map((p) => p.timestamp),
  ];
}

describe('job timestamps', () => {
  it('come from the flow clock: creation, changes, history, shared log, outputs, retries and pause points', async () => {
    const clock = new ManualClock(START);
    const flow = new Flow({ clock, executionTimeout: Infinity });
    flow.addRoutine(new Source(), 'source');
    const flaky = new Flaky({ left: 1 });
    flaky.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 250, retryBackoff: 1 }));
    flow.addRoutine(flaky, 'flaky');
    flow.connect('source', 'out', 'flaky', 'input');

    await clock.advance(1000);
    const job = flow.start('source', { n: 1 });
    await clock.whenTimers(1);
    await clock.advance(250); // the retry waits on the clock
    await flow.execute('source', { n: 2 }).then(() => undefined, () => undefined);
    while (job.status === 'running') await clock.advance(250);
    expect(job.status).toBe('completed');

    const paused = flow.start('source', { n: 3 });
    await flow.pause(paused, 'hold');
    const stamps = [...allTimestamps(job.serialize()), ...allTimestamps(paused.serialize())];
    expect(stamps.length).toBeGreaterThan(10);
    for (const stamp of stamps) {
      const ms = Date.parse(stamp);
      expect(ms, stamp).toBeGreaterThanOrEqual(START);
      expect(ms, stamp).toBeLessThanOrEqual(clock.now());
    }
    expect(job.createdAt.getTime()).toBe(START + 1000);
    expect(job.updatedAt.getTime()).toBeGreaterThanOrEqual(START + 1250);
    expect(job.executionHistory.some((r) => r.eventName === 'error')).toBe(true);
    expect(paused.pausePoints[0]!.timestamp.getTime()).toBe(clock.now());
  });

  it('a JobState made by hand uses the clock it is given', () => {
    const clock = new ManualClock(START);
    const state = new JobState('f', { clock });
    state.appendToSharedLog({ a: 1 });
    state.sendOutput('r', 'out', {});
    state.recordExecution('r', 'e', {});
    expect(allTimestamps(state.serialize()).every((s) => Date.parse(s) === START)).toBe(true);
  });
});
