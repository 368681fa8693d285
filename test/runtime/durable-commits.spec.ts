import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, FlowRegistry, Runtime, RoutineBase, applyActivationCommit, checkActivationCommit, type ExecutionContext, type JobState, type SerializedJobState } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { RecordingStore } from '../helpers/recording-store.js';

// With a store, each activation produces exactly one commit holding what it changed, and the
// commits applied to the document the store created reproduce jobState.serialize().

class Source extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', (data: Record<string, unknown>, ctx: ExecutionContext) => {
      ctx.jobState.updateSharedData('started', true);
      for (let i = 0; i < Number(data['n']); i++) this.emit('out', { i });
    });
    this.defineEvent('out', ['i']);
  }
}

class Worker extends RoutineBase {
  constructor(private readonly failFirst: Set<number>) {
    super();
    this.defineSlot('input', async (data: Record<string, unknown>, ctx: ExecutionContext) => {
      await Promise.resolve();
      const i = Number(data['i']);
      if (ctx.attempt === 1 && this.failFirst.has(i)) throw new Error(`item ${i} failed once`);
      ctx.jobState.appendToSharedLog({ done: i });
      this.sendOutput('item', { i });
      this.emit('out', { i, doubled: i * 2 });
    });
    this.defineEvent('out', ['i', 'doubled']);
  }
}

class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('input', (data: Record<string, unknown>, ctx: ExecutionContext) => {
      ctx.jobState.updateSharedData(`got${String(data['i'])}`, data['doubled']);
    }, { merge: 'append' });
  }
}

function pipeline(name: string, clock: ManualClock, strategy: 'sequential' | 'concurrent'): Flow {
  const flow = new Flow({ flowId: name, clock, executionStrategy: strategy, ...(strategy === 'concurrent' ? { maxWorkers: 3 } : {}) });
  flow.addRoutine(new Source(), 'source');
  const worker = new Worker(new Set([1]));
  worker.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 100, retryBackoff: 1 }));
  flow.addRoutine(worker, 'worker');
  flow.addRoutine(new Sink(), 'sink');
  flow.connect('source', 'out', 'worker', 'input');
  flow.connect('worker', 'out', 'sink', 'input');
  return flow;
}

async function runToEnd(runtime: Runtime, job: JobState, clock: ManualClock): Promise<void> {
  for (let i = 0; i < 100 && !job.isFinished; i++) await clock.advance(100);
  expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
}

function replay(store: RecordingStore, jobId: string): SerializedJobState {
  const created = store.writes.find((w) => w.kind === 'create' && w.doc.jobId === jobId);
  expect(created).toBeDefined();
  let doc = (created as { doc: SerializedJobState }).doc;
  for (const c of store.commitsOf(jobId)) doc = applyActivationCommit(doc, checkActivationCommit(c));
  return doc;
}

describe('commits through a store', () => {
  for (const strategy of ['sequential', 'concurrent'] as const) {
    it(`${strategy}: one commit per activation, and the commits rebuild the serialized job`, async () => {
      const clock = new ManualClock();
      const registry = new FlowRegistry();
      registry.registerByName('pipeline', pipeline(`p-${strategy}`, clock, strategy));
      const store = new RecordingStore();
      const runtime = new Runtime({ registry, clock, store });
      const job = runtime.exec('pipeline', { entryParams: { n: 4 } });
      await runToEnd(runtime, job, clock);
      expect(job.status).toBe('completed');

      const commits = store.commitsOf(job.jobId);
      const activations = commits.filter((c) => c.outcome !== undefined); // job-level changes carry no outcome
      const attempts = ['source', 'worker', 'sink'].reduce((n, id) => n + (job.tracker.getRoutinePerformance(id)?.totalExecutions ?? 0), 0);
      expect(attempts).toBe(1 + 5 + 4); // worker item 1 ran twice
      expect(activations).toHaveLength(attempts);
      expect(new Set(activations.map((c) => `${c.taskId}/${c.attempt}`)).size).toBe(attempts);
      for (const c of activations) expect(c.consumed).toContain(c.taskId);
      const retry = activations.find((c) => c.outcome === 'retrying')!;
      expect(retry.produced).toEqual([expect.objectContaining({ taskId: retry.taskId, attempt: 2, merged: true, delayMs: 100 })]);
      const first = activations[0]!;
      expect(first.changes.entries?.['sharedData']).toEqual({ started: true });
      expect(first.produced.map((t) => t.routineId)).toEqual(['worker', 'worker', 'worker', 'worker']);

      expect(replay(store, job.jobId)).toEqual(job.serialize());
      expect(store.docs.get(job.jobId)).toEqual(job.serialize());
      await runtime.shutdown();
    });
  }

  it('downstream tasks run only after the commit that records them is written', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    registry.registerByName('pipeline', pipeline('p-order', clock, 'sequential'));
    const store = new RecordingStore();
    const seenBy: number[] = [];
    const commit = store.commit.bind(store);
    store.commit = async (c) => {
      seenBy.push(store.commitsOf(c.jobId).length);
      return commit(c);
    };
    const runtime = new Runtime({ registry, clock, store });
    const job = runtime.exec('pipeline', { entryParams: { n: 2 } });
    await runToEnd(runtime, job, clock);
    expect(job.status).toBe('completed');
    // every task that ran was in the pending list of the stored document before it ran
    const writes = store.writes;
    for (let k = 0; k < writes.length; k++) {
      const w = writes[k]!;
      if (w.kind !== 'commit' || w.commit.outcome === undefined) continue;
      const before = writes.slice(0, k).flatMap((x) => (x.kind === 'commit' ? x.commit.produced.map((t) => `${t.taskId}/${t.attempt}`) : []));
      expect(before).toContain(`${w.commit.taskId}/${w.commit.attempt}`);
    }
    expect(seenBy.length).toBeGreaterThan(3);
    await runtime.shutdown();
  });

  it('a pause and a resume are job-level commits; the stored document follows the job', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    const flow = pipeline('p-pause', clock, 'sequential');
    registry.registerByName('pipeline', flow);
    const store = new RecordingStore();
    const runtime = new Runtime({ registry, clock, store });
    const job = runtime.exec('pipeline', { entryParams: { n: 3 } });
    await flow.pause(job, 'hold');
    await runtime.waitUntilAllJobsFinished();
    expect(job.status).toBe('paused');
    expect(replay(store, job.jobId)).toEqual(job.serialize());
    void runtime.resumeJob(job.jobId);
    await runToEnd(runtime, job, clock);
    expect(job.status).toBe('completed');
    expect(store.commitsOf(job.jobId).some((c) => c.outcome === undefined && c.taskId?.startsWith('~') === true)).toBe(true);
    expect(replay(store, job.jobId)).toEqual(job.serialize());
    await runtime.shutdown();
  });

  it('a commit that fails fails the job instead of running work it did not record', async () => {
    const clock = new ManualClock();
    const registry = new FlowRegistry();
    registry.registerByName('pipeline', pipeline('p-fail', clock, 'sequential'));
    const store = new RecordingStore();
    const error = Object.assign(new Error('disk full'), { code: 'STORE_DOWN' });
    store.failCommit = error;
    const runtime = new Runtime({ registry, clock, store });
    const job = runtime.exec('pipeline', { entryParams: { n: 2 } });
    await runToEnd(runtime, job, clock);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('STORE_DOWN');
    expect(job.getRoutineState('worker')).toBeUndefined();
    await runtime.shutdown();
  });

  it('rejects a store that does not implement the port', () => {
    expect(() => new Runtime({ store: {} as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
