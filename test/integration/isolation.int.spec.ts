import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState, type ExecutionContext } from '../../src/index.js';
import { FnRoutine } from '../fixtures/routines.js';
import { Gate } from '../helpers/gate.js';
import { Ledger, ids } from '../helpers/ledger.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { seededRandom } from '../helpers/random.js';

describe('two jobs of one flow at once, one routine instance', () => {
  it('should keep buffers, retries, history, shared data and errors apart', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const aggregated: { job: string; values: unknown }[] = [];
    const attempts: string[] = [];
    const tag = (ctx: ExecutionContext): string => ctx.jobState.getSharedData<string>('name') ?? '?';
    const flow = new Flow({ clock, executionStrategy: 'concurrent', maxWorkers: 3 });
    const src = new FnRoutine(
      {
        async trigger(d, ctx) {
          ctx.jobState.updateSharedData('name', d['name']);
          this.emit('out', { v: `${String(d['name'])}-1` });
          await gate.wait();
          this.emit('out', { v: `${String(d['name'])}-2` });
          this.emit('flaky', {});
        },
      },
      ['out', 'flaky'],
    );
    const agg = new FnRoutine({
      in: {
        handler(d, ctx) {
          aggregated.push({ job: tag(ctx), values: d['v'] });
        },
        options: { merge: 'append' },
      },
      flaky(_d, ctx) {
        attempts.push(`${tag(ctx)}#${ctx.attempt}`);
        // job A fails twice then succeeds; job B fails once then succeeds
        const failures = tag(ctx) === 'A' ? 2 : 1;
        if (ctx.attempt <= failures) throw new Error(`flaky ${tag(ctx)}`);
      },
    });
    agg.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 10 }));
    flow.addRoutine(src, 'src');
    flow.addRoutine(agg, 'agg');
    flow.connect('src', 'out', 'agg', 'in');
    flow.connect('src', 'flaky', 'agg', 'flaky');
    const a = flow.start('src', { name: 'A' });
    const b = flow.start('src', { name: 'B' });
    await gate.whenWaiting(2);
    gate.open();
    await clock.runAll();
    await Promise.all([JobState.waitForCompletion(flow, a), JobState.waitForCompletion(flow, b)]);

    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expect(aggregated.filter((x) => x.job === 'A').map((x) => x.values)).toEqual([['A-1'], ['A-1', 'A-2']]);
    expect(aggregated.filter((x) => x.job === 'B').map((x) => x.values)).toEqual([['B-1'], ['B-1', 'B-2']]);
    expect(attempts.filter((x) => x.startsWith('A')).sort()).toEqual(['A#1', 'A#2', 'A#3']);
    expect(attempts.filter((x) => x.startsWith('B')).sort()).toEqual(['B#1', 'B#2']);
    expect(a.getRoutineState('agg')?.retryCount).toBe(2);
    expect(b.getRoutineState('agg')?.retryCount).toBe(1);
    expect(a.sharedData).toEqual({ name: 'A' });
    expect(b.sharedData).toEqual({ name: 'B' });
    const payloads = (j: JobState) => j.executionHistory.filter((h) => h.eventName === 'out').map((h) => (h.data as { v: string }).v);
    expect(payloads(a)).toEqual(['A-1', 'A-2']);
    expect(payloads(b)).toEqual(['B-1', 'B-2']);
    expect(a.getExecutionHistory('agg').filter((h) => h.eventName === 'error')).toHaveLength(2);
    expect(b.getExecutionHistory('agg').filter((h) => h.eventName === 'error')).toHaveLength(1);
  });

  it('a failing job should not disturb another job of the same flow', async () => {
    const gate = new Gate();
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          async trigger(d) {
            await gate.wait();
            if (d['fail'] === true) throw new Error('job-specific failure');
            this.emit('out', {});
          },
          in() {},
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const bad = flow.start('r', { fail: true });
    const good = flow.start('r', { fail: false });
    await gate.whenWaiting(2);
    gate.open();
    await Promise.all([JobState.waitForCompletion(flow, bad), JobState.waitForCompletion(flow, good)]);
    expect(bad.status).toBe('failed');
    expect(good.status).toBe('completed');
    expect(good.error).toBeUndefined();
  });

  it('200 concurrent jobs on one flow with an aggregator: no cross-job leaks, every stage in order', async () => {
    const rand = seededRandom(42);
    const ledger = new Ledger();
    const leaks: string[] = [];
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 4 });
    const stages = ['s1', 's2', 's3'];
    flow.addRoutine(
      new FnRoutine(
        {
          trigger(d) {
            for (let i = 0; i < 3; i++) this.emit('out', { job: d['job'], msg: String(i) });
          },
        },
        ['out'],
      ),
      'src',
    );
    stages.forEach((stage) => {
      flow.addRoutine(
        new FnRoutine(
          {
            async in(d, ctx) {
              ledger.mark(ctx, d['msg'] as string, 'start', stage);
              if (rand() < 0.5) await new Promise<void>((r) => setImmediate(r));
              this.emit('out', d);
              ledger.mark(ctx, d['msg'] as string, 'end', stage);
            },
          },
          ['out'],
        ),
        stage,
      );
    });
    flow.addRoutine(
      new FnRoutine({
        agg: {
          handler(d, ctx) {
            const jobs = new Set(d['job'] as unknown[]);
            if (jobs.size !== 1 || !jobs.has(ctx.jobState.getSharedData('job'))) leaks.push(ctx.jobState.jobId);
            if ((d['msg'] as unknown[]).length === 3) ctx.jobState.updateSharedData('aggregated', d['msg']);
          },
          options: { merge: 'append' },
        },
      }),
      'agg',
    );
    flow.connect('src', 'out', 's1', 'in');
    flow.connect('s1', 'out', 's2', 'in');
    flow.connect('s2', 'out', 's3', 'in');
    flow.connect('s3', 'out', 'agg', 'agg');
    const jobs: JobState[] = [];
    for (let j = 0; j < 200; j++) {
      const job = flow.start('src', { job: j });
      job.updateSharedData('job', j);
      jobs.push(job);
    }
    await Promise.all(jobs.map((j) => JobState.waitForCompletion(flow, j)));
    expect(jobs.every((j) => j.status === 'completed')).toBe(true);
    expect(leaks).toEqual([]);
    expect(jobs.every((j) => (j.getSharedData<string[]>('aggregated') ?? []).slice().sort().join() === '0,1,2')).toBe(true);
    const expected = new Map(jobs.map((j) => [j.jobId, ids(3)]));
    expect(ledger.check(expected, stages)).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [], outOfOrder: [] });
  });
});
