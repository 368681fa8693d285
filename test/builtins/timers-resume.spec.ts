import { describe, expect, it } from 'vitest';
import { Aggregator, Batcher, Debouncer } from '../../src/builtins/index.js';
import { Flow, FlowRegistry, JobState, MemoryJobStore, RoutineBase, Runtime } from '../../src/index.js';
import { ManualClock, Sink, Source, received } from './helpers.js';

// The buffers and timers of the timer built-ins belong to the job: a job paused with a
// partial batch, an open burst or an open round is serialized, read back by a flow built
// from scratch (as another process would), resumed, and the timer still fires there.

function flowOf(subject: () => RoutineBase, events: readonly string[], clock: ManualClock, slots: readonly string[] = ['input']): Flow {
  const flow = new Flow({ flowId: 'timers', executionStrategy: 'concurrent', maxWorkers: 4, clock, executionTimeout: Infinity });
  flow.addRoutine(new Source(), 'source');
  flow.addRoutine(subject(), 'subject');
  flow.addRoutine(new Sink(events), 'sink');
  for (const slot of slots) flow.connect('source', 'out', 'subject', slot);
  for (const e of events) flow.connect('subject', e, 'sink', e);
  return flow;
}

/** Runs `payloads` until the subject's timer is due, pauses, and returns the job as JSON text (what another process reads). */
async function pauseWithTimerDue(flow: Flow, clock: ManualClock, payloads: object[]): Promise<string> {
  const job = flow.start('source', { payloads });
  await clock.whenTimers(1);
  await flow.pause(job, 'deploy');
  expect(job.status).toBe('paused');
  return JSON.stringify(job.serialize());
}

async function resumeElsewhere(text: string, flow: Flow, clock: ManualClock, advance: number): Promise<JobState> {
  const job = JobState.deserialize(JSON.parse(text));
  const done = flow.resume(job);
  await clock.whenTimers(1);
  clock.advance(advance);
  return done;
}

describe('timer built-ins across pause → serialize → resume in a new flow', () => {
  it('Batcher: the partial batch and its timer survive; the batch is flushed by the timer after resume', async () => {
    const make = (clock: ManualClock) => flowOf(() => new Batcher({ batchSize: 10, timeout: 1000 }), ['batch'], clock);
    const first = new ManualClock();
    const saved = await pauseWithTimerDue(make(first), first, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(JSON.parse(saved).routineStates.subject.batch.items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const second = new ManualClock();
    const job = await resumeElsewhere(saved, make(second), second, 1000);
    expect(job.status).toBe('completed');
    expect(received(job, 'batch').map((b) => [b['data'], b['reason'], b['batchNumber']])).toEqual([[[{ n: 1 }, { n: 2 }, { n: 3 }], 'timeout', 1]]);
    expect(second.pending).toBe(0);
  });

  it('Debouncer: the open burst survives; its trailing emit comes after resume', async () => {
    const make = (clock: ManualClock) => flowOf(() => new Debouncer({ wait: 300 }), ['debounced'], clock);
    const first = new ManualClock();
    const saved = await pauseWithTimerDue(make(first), first, [{ v: 'a' }, { v: 'b' }]);
    const second = new ManualClock();
    const job = await resumeElsewhere(saved, make(second), second, 300);
    expect(job.status).toBe('completed');
    expect(received(job, 'debounced')).toEqual([{ data: { v: 'b' }, count: 2 }]);
  });

  it('Aggregator: the open round survives; its timeout fires after resume with what arrived', async () => {
    const make = (clock: ManualClock) => flowOf(() => new Aggregator({ sources: ['a', 'b'], timeout: 500 }), ['aggregated', 'timeout'], clock, ['a']);
    const first = new ManualClock();
    const saved = await pauseWithTimerDue(make(first), first, [{ x: 1 }]);
    const second = new ManualClock();
    const job = await resumeElsewhere(saved, make(second), second, 500);
    expect(job.status).toBe('completed');
    expect(received(job, 'aggregated')).toEqual([]);
    expect(received(job, 'timeout')).toEqual([{ data: { a: { x: 1 } }, sources: ['a'], missing: ['b'] }]);
  });

  it('a connection cannot target a timer slot, and validation does not report it unconnected', () => {
    const flow = flowOf(() => new Batcher(), ['batch'], new ManualClock());
    expect(() => flow.connect('source', 'out', 'subject', 'timeout')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SLOT', message: expect.stringContaining('internal') }));
    expect(flow.validate().filter((i) => i.message.includes('subject.timeout'))).toEqual([]);
  });
});

describe('timer built-ins with a durable store', () => {
  it('the store holds the open batch and its timer as soon as the activation that opened it has committed', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    registry.registerByName('timers', flowOf(() => new Batcher({ batchSize: 10, timeout: 1000 }), ['batch'], clock));
    const store = new MemoryJobStore();
    const runtime = new Runtime({ registry, clock, store });
    const job = runtime.exec('timers', { entryRoutineId: 'source', entryParams: { payloads: [{ n: 1 }] } });
    // (the runtime's lease renewal is a timer of the clock too: wait for the batch itself)
    for (let i = 0; i < 1000 && job.getRoutineState('subject')?.['batch'] === undefined; i++) await new Promise((resolve) => setImmediate(resolve));
    await runtime.pauseJob(job.jobId);
    const stored = await store.load(job.jobId);
    expect(stored?.routineStates['subject']?.['batch']).toEqual({ items: [{ n: 1 }], batchNumber: 0, timer: expect.stringMatching(/^t\d+$/) });
    expect(stored?.pendingTasks.filter((t) => t.slotName === 'timeout')).toEqual([expect.objectContaining({ routineId: 'subject', delayMs: 1000 })]);
    const done = runtime.resumeJob(job.jobId);
    await clock.advance(1000);
    await done;
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(received(job, 'batch')).toEqual([{ data: [{ n: 1 }], count: 1, batchNumber: 1, reason: 'timeout' }]);
    expect((await store.load(job.jobId))?.pendingTasks).toEqual([]);
    await runtime.shutdown();
  });
});
