import { describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, MemoryJobStore, Runtime, RoutineBase, type ExecutionContext, type JobState } from '../../src/index.js';
import { FaultyJobStore } from '../helpers/faulty-store.js';

// Reliability plan F8: a store that is down or flaky. Jobs wait and retry their writes with
// backoff, report STORE_UNAVAILABLE in the store health, never complete on a write that did
// not happen, and all finish once the store answers again. executeAndTimeout (written, then
// an error) is retried into the commit's idempotency key: the state is applied once.

const handled = new Map<string, number>();

class Stage extends RoutineBase {
  constructor(private readonly stage: string, entry: boolean) {
    super();
    this.defineSlot(entry ? 'trigger' : 'input', async (data: Record<string, unknown>, ctx: ExecutionContext) => {
      await new Promise((r) => setTimeout(r, 1));
      const key = `${ctx.jobState.jobId}/${this.stage}`;
      handled.set(key, (handled.get(key) ?? 0) + 1);
      ctx.jobState.appendToSharedLog({ stage: this.stage });
      ctx.jobState.updateSharedData(this.stage, Number(data['n']));
      this.emit('out', { n: Number(data['n']) + 1 });
    });
    this.defineEvent('out', ['n']);
  }
}

function setup(faulty: FaultyJobStore): Runtime {
  const flow = new Flow({ flowId: 'f8' });
  ['a', 'b', 'c'].forEach((id, i) => flow.addRoutine(new Stage(id, i === 0), id));
  flow.connect('a', 'out', 'b', 'input');
  flow.connect('b', 'out', 'c', 'input');
  const registry = new FlowRegistry();
  registry.registerByName('f8', flow);
  return new Runtime({ registry, store: faulty, concurrency: 8 });
}

function checkOnce(jobs: readonly JobState[]): void {
  for (const job of jobs) {
    expect(job.status).toBe('completed');
    expect(job.sharedLog.map((e) => e['stage'])).toEqual(['a', 'b', 'c']); // framework state applied once
    expect(job.sharedData).toEqual({ a: 0, b: 1, c: 2 });
    for (const s of ['a', 'b', 'c']) expect(handled.get(`${job.jobId}/${s}`)).toBe(1); // no handler ran twice
  }
}

describe('F8 store unavailable or flaky', () => {
  it('F8 unavailable: every write fails for a while; jobs wait (health: unavailable, STORE_UNAVAILABLE), never complete meanwhile, and all finish after', async () => {
    handled.clear();
    const inner = new MemoryJobStore();
    const faulty = new FaultyJobStore(inner, { seed: 8 });
    const runtime = setup(faulty);
    const first = runtime.exec('f8', { entryParams: { n: 0 } });
    expect(await runtime.waitUntilAllJobsFinished(2000)).toBe(true);
    faulty.goDown();
    const jobs = Array.from({ length: 20 }, () => runtime.exec('f8', { entryParams: { n: 0 } }));
    await new Promise((r) => setTimeout(r, 400));
    const health = runtime.storeHealth()!;
    expect(health).toMatchObject({ status: 'unavailable', error: { code: 'STORE_UNAVAILABLE' } });
    expect(health.waitingJobs).toBeGreaterThan(0);
    for (const job of jobs) expect(job.status).not.toBe('completed');
    expect(jobs.every((j) => j.sharedLog.length <= 1)).toBe(true); // nothing past the first stage ran on unwritten work
    faulty.goUp();
    expect(await runtime.waitUntilAllJobsFinished(10_000)).toBe(true);
    checkOnce([first, ...jobs]);
    expect(runtime.storeHealth()).toMatchObject({ status: 'ok', waitingJobs: 0 });
    for (const job of jobs) expect(await inner.load(job.jobId)).toEqual(job.serialize());
    expect(faulty.count('unavailable')).toBeGreaterThan(0);
    await runtime.shutdown();
  });

  it('F8 flaky: 10 % errors, timeouts, latency and 5 % executeAndTimeout; state is applied once and matches the store', async () => {
    handled.clear();
    const inner = new MemoryJobStore();
    const faulty = new FaultyJobStore(inner, { seed: 42, faults: { error: 0.1, timeout: 0.03, timeoutMs: 5, latency: 0.2, latencyMs: 3, executeAndTimeout: 0.05 } });
    const runtime = setup(faulty);
    const jobs = Array.from({ length: 40 }, () => runtime.exec('f8', { entryParams: { n: 0 } }));
    expect(await runtime.waitUntilAllJobsFinished(30_000)).toBe(true);
    checkOnce(jobs);
    for (const job of jobs) expect(await inner.load(job.jobId)).toEqual(job.serialize());
    expect(faulty.count('executeAndTimeout')).toBeGreaterThan(0);
    expect(faulty.count('error')).toBeGreaterThan(0);
    expect(runtime.storeHealth()!.retries).toBeGreaterThan(0);
    await runtime.shutdown();
  }, 40_000);

  it('F8 a failure that is not STORE_UNAVAILABLE fails the job at once with it', async () => {
    handled.clear();
    const inner = new MemoryJobStore();
    const runtime = setup(new FaultyJobStore(inner, { seed: 1 }));
    const original = inner.commit.bind(inner);
    let calls = 0;
    inner.commit = async (c) => {
      if (++calls === 2) throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
      return original(c);
    };
    const job = runtime.exec('f8', { entryParams: { n: 0 } });
    expect(await runtime.waitUntilAllJobsFinished(2000)).toBe(true);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('EIO');
    await runtime.shutdown();
  });
});
