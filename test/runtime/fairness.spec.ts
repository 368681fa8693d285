import { afterEach, describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, Runtime, type ExecutionContext, type JobState } from '../../src/index.js';
import { FnRoutine } from '../fixtures/routines.js';
import { Gate } from '../helpers/gate.js';
import { flushAsync } from '../helpers/manual-clock.js';

const runtimes: Runtime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.shutdown({ drainTimeout: 0, grace: 0 })));
});

function newRuntime(concurrency: number): { runtime: Runtime; registry: FlowRegistry } {
  const registry = new FlowRegistry();
  const runtime = new Runtime({ registry, concurrency });
  runtimes.push(runtime);
  return { runtime, registry };
}

/** s1(trigger) → s2(in) → s3(in), each stage calling `visit(stage, data, ctx)`. */
function threeStages(visit: (stage: number, data: Record<string, unknown>, ctx: ExecutionContext) => unknown, fanOut = 1): Flow {
  const flow = new Flow({ executionStrategy: 'concurrent' });
  flow.addRoutine(
    new FnRoutine(
      {
        trigger: function (d, ctx) {
          visit(1, d, ctx);
          for (let i = 0; i < fanOut; i++) this.emit('out', { ...d, i });
        },
      },
      ['out'],
    ),
    's1',
  );
  flow.addRoutine(
    new FnRoutine(
      {
        in: function (d, ctx) {
          const r = visit(2, d, ctx);
          const next = (): void => this.emit('out', { ...d, seen2: true });
          if (r instanceof Promise) return r.then(next);
          next();
          return undefined;
        },
      },
      ['out'],
    ),
    's2',
  );
  flow.addRoutine(new FnRoutine({ in: (d, ctx) => visit(3, d, ctx) }), 's3');
  flow.connect('s1', 'out', 's2', 'in');
  flow.connect('s2', 'out', 's3', 'in');
  return flow;
}

describe('Runtime fairness', () => {
  it('a job with 100,000 queued activations delays a small job by at most one dispatch per stage', async () => {
    const { runtime, registry } = newRuntime(1); // one worker: the dispatch order is the run order
    const order: string[] = [];
    let bigDone = 0;
    let small: JobState | undefined;
    let bigAtSmallCompletion = -1;
    const big = new Flow();
    big.addRoutine(
      new FnRoutine(
        {
          trigger: function () {
            for (let i = 0; i < 100_000; i++) this.emit('out', { i });
            order.push('big:queued');
            small = runtime.exec('small'); // submitted while the big backlog is queued
          },
        },
        ['out'],
      ),
      'src',
    );
    big.addRoutine(
      new FnRoutine({
        in: () => {
          if (bigAtSmallCompletion === -1 && small?.status === 'completed') bigAtSmallCompletion = bigDone;
          bigDone++;
          order.push('B');
        },
      }),
      'sink',
    );
    big.connect('src', 'out', 'sink', 'in');
    registry.registerByName('big', big);
    registry.registerByName(
      'small',
      threeStages((stage) => void order.push(`small:${stage}`)),
    );
    const bigJob = runtime.exec('big');
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);

    const start = order.indexOf('big:queued');
    const tail = order.slice(start + 1, start + 7);
    // Round-robin: the small job's stages alternate with single big activations. The small
    // job even goes first: when it arrives, the big job (a sequential flow, one activation
    // at a time) is running its trigger, so its lane rejoins the ring behind the small one.
    expect(tail).toEqual(['small:1', 'B', 'small:2', 'B', 'small:3', 'B']);
    expect(bigAtSmallCompletion).toBe(2); // the small job had completed before the 3rd big activation
    expect(small!.status).toBe('completed');
    expect(bigJob.status).toBe('completed');
    expect(bigDone).toBe(100_000); // the big job is not starved either
  });

  it('rotates between jobs with queued work, one dispatch each per round', async () => {
    const { runtime, registry } = newRuntime(1);
    const order: string[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger: async function (d) {
            await Promise.resolve();
            for (let i = 0; i < 3; i++) this.emit('out', { ...d, i });
          },
        },
        ['out'],
      ),
      'src',
    );
    flow.addRoutine(new FnRoutine({ in: (d) => void order.push(`${String(d['job'])}${String(d['i'])}`) }), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    registry.registerByName('f', flow);
    runtime.exec('f', { entryParams: { job: 'b' } });
    runtime.exec('f', { entryParams: { job: 'c' } });
    await runtime.waitUntilAllJobsFinished();
    expect(order).toEqual(['b0', 'c0', 'b1', 'c1', 'b2', 'c2']);
  });
});

describe('Runtime shared budget', () => {
  it('never runs more than `concurrency` activations at once across all jobs of all flows', async () => {
    const { runtime, registry } = newRuntime(3);
    const gate = new Gate();
    let active = 0;
    let max = 0;
    const visit = async (): Promise<void> => {
      active++;
      max = Math.max(max, active);
      await gate.wait();
      active--;
    };
    registry.registerByName('a', threeStages((stage) => (stage === 2 ? visit() : undefined), 2));
    registry.registerByName('b', threeStages((stage) => (stage === 2 ? visit() : undefined), 3));
    const jobs: JobState[] = [];
    for (let i = 0; i < 5; i++) jobs.push(runtime.exec('a'), runtime.exec('b'));
    await gate.whenWaiting(3);
    await flushAsync(5);
    expect(gate.waiting).toBe(3);
    expect(runtime.active).toBe(3);
    expect(runtime.queued).toBeGreaterThan(0);
    gate.open();
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(max).toBe(3);
    expect(jobs.every((j) => j.status === 'completed')).toBe(true);
  });

  it('runs 1,000 concurrent jobs of a 3-stage flow with nothing lost or duplicated', async () => {
    const { runtime, registry } = newRuntime(16);
    const perJob = new Map<string, string[]>();
    let maxActive = 0;
    registry.registerByName(
      'stages',
      threeStages((stage, d, ctx) => {
        maxActive = Math.max(maxActive, runtime.active);
        if (stage === 2) return Promise.resolve(); // an async hop in the middle stage
        if (stage === 3) {
          const list = perJob.get(ctx.jobState.jobId) ?? [];
          list.push(`${String(d['job'])}:${String(d['i'])}`);
          perJob.set(ctx.jobState.jobId, list);
        }
        return undefined;
      }, 4),
    );
    const jobs: JobState[] = [];
    for (let j = 0; j < 1000; j++) jobs.push(runtime.exec('stages', { entryParams: { job: j } }));
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(maxActive).toBeLessThanOrEqual(16);
    let total = 0;
    jobs.forEach((job, j) => {
      expect(job.status).toBe('completed');
      const got = [...(perJob.get(job.jobId) ?? [])].sort();
      expect(got).toEqual([0, 1, 2, 3].map((i) => `${j}:${i}`));
      total += got.length;
    });
    expect(total).toBe(4000);
    expect(runtime.listJobs('completed')).toHaveLength(1000);
  });
});
