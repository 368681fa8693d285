import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, ErrorHandler, Flow, FlowRegistry, JobState, Runtime } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { codeOf } from '../../helpers/errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** A routine that feeds itself forever: `trigger` → `loop` → `loop` → … */
function endless(options: ConstructorParameters<typeof Flow>[0] = {}, runs: { n: number } = { n: 0 }): Flow {
  const flow = new Flow(options);
  flow.addRoutine(
    new FnRoutine(
      {
        trigger() {
          this.emit('next', {});
        },
        loop() {
          runs.n++;
          this.emit('next', {});
        },
      },
      ['next'],
    ),
    'loop',
  );
  flow.connect('loop', 'next', 'loop', 'loop');
  return flow;
}

describe('step limit (limits.maxActivationsPerJob)', () => {
  it('should default to 1,000,000', () => {
    expect(DEFAULT_LIMITS.maxActivationsPerJob).toBe(1_000_000);
    expect(new Flow().limits.maxActivationsPerJob).toBe(1_000_000);
  });

  it('should fail a cycle without an exit with STEP_LIMIT_EXCEEDED; the activation past the limit does not run', async () => {
    const runs = { n: 0 };
    const job = await endless({ limits: { maxActivationsPerJob: 10 } }, runs).execute('loop');
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'STEP_LIMIT_EXCEEDED', routineId: 'loop' });
    expect(runs.n).toBe(9); // the trigger activation + 9 loop activations = 10
    expect(job.getRoutineState('loop')).toMatchObject({ status: 'failed', error: { code: 'STEP_LIMIT_EXCEEDED' } });
  });

  it('should fail the job whatever the error strategy', async () => {
    for (const strategy of ['continue', 'skip', 'retry'] as const) {
      const flow = endless({ limits: { maxActivationsPerJob: 5 } });
      flow.setErrorHandler(new ErrorHandler({ strategy, retryDelay: 0 }));
      const job = await flow.execute('loop');
      expect(job.error?.code).toBe('STEP_LIMIT_EXCEEDED');
    }
  });

  it('should count retries as activations', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const flow = new Flow({ clock, limits: { maxActivationsPerJob: 3 } });
    const r = new FnRoutine({
      trigger() {
        attempts++;
        throw new Error('always');
      },
    });
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 10, retryDelay: 1, retryBackoff: 1 }));
    flow.addRoutine(r, 'r');
    const done = flow.execute('r');
    await clock.runAll();
    const job = await done;
    expect(attempts).toBe(3);
    expect(job.error).toMatchObject({ code: 'STEP_LIMIT_EXCEEDED', routineId: 'r' });
  });

  it('should serialize the count with the job, so a resumed job keeps its budget', async () => {
    const runs = { n: 0 };
    const flow = new Flow({ flowId: 'steps', executionStrategy: 'sequential', limits: { maxActivationsPerJob: 20 } });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('next', {});
          },
          async loop(_d, ctx) {
            runs.n++;
            if (runs.n === 5) await flow.pause(ctx.jobState);
            this.emit('next', {});
          },
        },
        ['next'],
      ),
      'loop',
    );
    flow.connect('loop', 'next', 'loop', 'loop');
    const paused = await flow.execute('loop');
    expect(paused.status).toBe('paused');
    const wire = JSON.parse(JSON.stringify(paused.serialize())) as { activationCount: number };
    expect(wire.activationCount).toBe(6);
    const restored = JobState.deserialize(wire);
    const again = endless({ flowId: 'steps', limits: { maxActivationsPerJob: 20 } }, runs);
    const job = await again.resume(restored);
    expect(job.error?.code).toBe('STEP_LIMIT_EXCEEDED');
    expect(runs.n).toBe(19); // 1 trigger + 19 loop activations in both processes together
    expect(job.serialize().activationCount).toBe(20);
  });

  it('should let a Runtime limit replace the flow limit for its jobs', async () => {
    const registry = new FlowRegistry();
    registry.registerByName('endless', endless({ limits: { maxActivationsPerJob: 1000 } }));
    const runtime = new Runtime({ registry, limits: { maxActivationsPerJob: 4 } });
    const job = runtime.exec('endless');
    await runtime.waitUntilAllJobsFinished();
    expect(job.error?.code).toBe('STEP_LIMIT_EXCEEDED');
    expect(job.serialize().activationCount).toBe(4);
    await runtime.shutdown();
  });

  it('should refuse limits that are not integers >= 1, and unknown limit keys, with INVALID_ARGUMENT', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '10', null]) {
      expect(codeOf(() => new Flow({ limits: { maxActivationsPerJob: bad as number } }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => new Runtime({ limits: { maxActivationsPerJob: bad as number } }))).toBe('INVALID_ARGUMENT');
    }
    expect(codeOf(() => new Flow({ limits: { maxSteps: 5 } as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Flow({ limits: 5 as never }))).toBe('INVALID_ARGUMENT');
    expect(new Flow({ limits: { maxActivationsPerJob: undefined } }).limits).toEqual(DEFAULT_LIMITS);
  });
});
