import { describe, expect, it } from 'vitest';
import { Flow, JobState, type ExecutionContext } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { Gate, until } from '../../helpers/gate.js';
import { ManualClock, flushAsync } from '../../helpers/manual-clock.js';

/** src→(a,b), a→a1, b→b1, each handler logging its id. */
function tree(log: string[], options: ConstructorParameters<typeof Flow>[0] = {}): Flow {
  const flow = new Flow(options);
  const node = (id: string) =>
    new FnRoutine(
      {
        trigger() {
          log.push(id);
          this.emit('out', {});
        },
        in() {
          log.push(id);
          this.emit('out', {});
        },
      },
      ['out'],
    );
  for (const id of ['src', 'a', 'b', 'a1', 'b1']) flow.addRoutine(node(id), id);
  flow.connect('src', 'out', 'a', 'in');
  flow.connect('src', 'out', 'b', 'in');
  flow.connect('a', 'out', 'a1', 'in');
  flow.connect('b', 'out', 'b1', 'in');
  return flow;
}

describe('scheduling order', () => {
  it('should run breadth-first in sequential mode: src, a, b, a1, b1', async () => {
    const log: string[] = [];
    const job = await tree(log).execute('src');
    expect(job.status).toBe('completed');
    expect(log).toEqual(['src', 'a', 'b', 'a1', 'b1']);
  });

  it('should keep breadth-first order with async handlers in sequential mode', async () => {
    const log: string[] = [];
    const flow = new Flow();
    const node = (id: string) =>
      new FnRoutine(
        {
          async trigger() {
            await Promise.resolve();
            log.push(id);
            this.emit('out', {});
          },
          async in() {
            await flushAsync();
            log.push(id);
            this.emit('out', {});
          },
        },
        ['out'],
      );
    for (const id of ['src', 'a', 'b', 'a1', 'b1']) flow.addRoutine(node(id), id);
    flow.connect('src', 'out', 'a', 'in');
    flow.connect('src', 'out', 'b', 'in');
    flow.connect('a', 'out', 'a1', 'in');
    flow.connect('b', 'out', 'b1', 'in');
    await flow.execute('src');
    expect(log).toEqual(['src', 'a', 'b', 'a1', 'b1']);
  });

  it('should run the code after emit before the downstream handler starts (sequential and concurrent)', async () => {
    for (const strategy of ['sequential', 'concurrent'] as const) {
      const log: string[] = [];
      const flow = new Flow({ executionStrategy: strategy });
      flow.addRoutine(
        new FnRoutine(
          {
            trigger() {
              this.emit('out', {});
              log.push('after-emit-1');
              this.emit('out', {});
              log.push('after-emit-2');
            },
          },
          ['out'],
        ),
        'src',
      );
      flow.addRoutine(new FnRoutine({ in: () => void log.push('downstream') }), 'dst');
      flow.connect('src', 'out', 'dst', 'in');
      await flow.execute('src');
      expect(log, strategy).toEqual(['after-emit-1', 'after-emit-2', 'downstream', 'downstream']);
    }
  });

  it('should never call the entry handler synchronously inside start()', () => {
    let ran = false;
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: () => void (ran = true) }), 'r');
    const job = flow.start('r');
    expect(ran).toBe(false);
    expect(job.status).toBe('running');
  });
});

describe('bounded concurrency', () => {
  async function saturate(flowOptions: ConstructorParameters<typeof Flow>[0], messages: number): Promise<{ maxActive: number; waitingAtPeak: number; job: JobState }> {
    const gate = new Gate();
    let active = 0;
    let maxActive = 0;
    const flow = new Flow(flowOptions);
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            for (let i = 0; i < messages; i++) this.emit('out', { i });
          },
        },
        ['out'],
      ),
      'src',
    );
    flow.addRoutine(
      new FnRoutine({
        async in() {
          active++;
          maxActive = Math.max(maxActive, active);
          await gate.wait();
          active--;
        },
      }),
      'work',
    );
    flow.connect('src', 'out', 'work', 'in');
    const job = flow.start('src');
    const expectedPeak = Math.min(flow.maxWorkers, messages);
    await gate.whenWaiting(expectedPeak);
    await flushAsync(5); // give the scheduler every chance to over-dispatch
    const waitingAtPeak = gate.waiting;
    gate.open();
    await JobState.waitForCompletion(flow, job);
    return { maxActive, waitingAtPeak, job };
  }

  it('should run at most maxWorkers activations at once and reach saturation', async () => {
    const r = await saturate({ executionStrategy: 'concurrent', maxWorkers: 4 }, 20);
    expect(r.waitingAtPeak).toBe(4);
    expect(r.maxActive).toBe(4);
    expect(r.job.status).toBe('completed');
  });

  it('should use the default of 5 workers in concurrent mode', async () => {
    const r = await saturate({ executionStrategy: 'concurrent' }, 12);
    expect(r.waitingAtPeak).toBe(5);
    expect(r.maxActive).toBe(5);
  });

  it('should run one activation at a time in sequential mode, also for async handlers', async () => {
    const r = await saturate({ executionStrategy: 'sequential' }, 6);
    expect(r.waitingAtPeak).toBe(1);
    expect(r.maxActive).toBe(1);
  });

  it('should honour executionStrategy given to execute()', async () => {
    const gate = new Gate();
    let active = 0;
    let maxActive = 0;
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 3 });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            for (let i = 0; i < 6; i++) this.emit('out', {});
          },
          async in() {
            active++;
            maxActive = Math.max(maxActive, active);
            await gate.wait();
            active--;
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r', {}, { executionStrategy: 'sequential' });
    await gate.whenWaiting(1);
    await flushAsync(5);
    expect(gate.waiting).toBe(1);
    gate.open();
    await JobState.waitForCompletion(flow, job);
    expect(maxActive).toBe(1);
    expect(job.status).toBe('completed');
  });
});

describe('completion', () => {
  it('should complete as soon as the queue is empty and nothing runs — no timer involved', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock, executionStrategy: 'concurrent' });
    const log: string[] = [];
    flow.addRoutine(
      new FnRoutine(
        {
          async trigger() {
            for (let i = 0; i < 3; i++) this.emit('out', { i });
            await Promise.resolve();
          },
          async in(d) {
            await flushAsync();
            log.push(String(d['i']));
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const job = await flow.execute('r'); // the clock is never advanced
    expect(job.status).toBe('completed');
    expect(log.sort()).toEqual(['0', '1', '2']);
    expect(clock.monotonic()).toBe(0);
  });

  it('should not complete while an async downstream activation is still running', async () => {
    const gate = new Gate();
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('out', {});
          },
          async in() {
            await gate.wait();
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    let resolved = false;
    const p = flow.execute('r').then((j) => {
      resolved = true;
      return j;
    });
    await gate.whenWaiting(1);
    await flushAsync(3);
    expect(resolved).toBe(false);
    gate.open();
    expect((await p).status).toBe('completed');
  });

  it('should treat a thenable that settles synchronously inside then() like a promise (fulfilled and rejected), keeping counts and order', async () => {
    const log: string[] = [];
    const syncThenable = (ok: boolean) => ({
      then(resolve: (v: unknown) => void, reject: (e: unknown) => void) {
        if (ok) resolve(1);
        else reject(new Error('thenable failed'));
      },
    });
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 2 });
    const routine = new FnRoutine(
      {
        trigger() {
          for (let i = 0; i < 6; i++) this.emit('out', { i });
          log.push('after emits');
        },
        in(d) {
          log.push(`in ${String(d['i'])}`);
          return syncThenable(d['i'] !== 3);
        },
      },
      ['out'],
    );
    routine.setAsOptional('continue');
    flow.addRoutine(routine, 'r');
    flow.connect('r', 'out', 'r', 'in');
    const job = await flow.execute('r');
    expect(job.status).toBe('completed');
    expect(log).toEqual(['after emits', 'in 0', 'in 1', 'in 2', 'in 3', 'in 4', 'in 5']);
    const perf = job.tracker.getRoutinePerformance('r')!;
    expect(perf.totalExecutions).toBe(7); // the entry and six deliveries
    expect(perf.failed).toBe(1);
    expect(job.getRoutineState('r')?.status).toBe('error_continued');
  });

  it('should complete a job whose entry handler emits to nothing', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', {}); } }, ['out']), 'r');
    expect((await flow.execute('r')).status).toBe('completed');
  });
});

describe('execute vs start', () => {
  it('start should return the JobState at once with status running, execute resolves when done', async () => {
    const gate = new Gate();
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'r');
    const job = flow.start('r', { a: 1 });
    expect(job).toBeInstanceOf(JobState);
    expect(job.status).toBe('running');
    expect(job.flowId).toBe(flow.flowId);
    expect(job.executionHistory[0]).toMatchObject({ routineId: 'r', eventName: 'start', data: { a: 1 } });
    await gate.whenWaiting(1);
    expect(job.status).toBe('running');
    gate.open();
    expect(await JobState.waitForCompletion(flow, job)).toBe(true);
    expect(job.status).toBe('completed');
  });

  it('execute should deliver entryParams to the trigger slot as a copy', async () => {
    let got: unknown;
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: (d) => void (got = d) }), 'r');
    const params = { x: 1 };
    const job = await flow.execute('r', params);
    expect(got).toEqual({ x: 1 });
    expect(got).not.toBe(params);
    expect(job.status).toBe('completed');
    await flow.execute('r');
    expect(got).toEqual({});
  });

  it('should reject (execute) / throw (start) only for definition errors and bad arguments', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'entry');
    flow.addRoutine(new FnRoutine({ in() {} }), 'noTrigger');
    await expect(flow.execute('missing')).rejects.toMatchObject({ code: 'UNKNOWN_ROUTINE' });
    await expect(flow.execute('noTrigger')).rejects.toMatchObject({ code: 'MISSING_TRIGGER_SLOT' });
    await expect(flow.execute('entry', 5 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.execute('entry', [1] as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.execute('entry', {}, { timeout: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.execute('entry', {}, { executionStrategy: 'x' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(flow.execute('entry', {}, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => flow.start('missing')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ROUTINE' }));
    expect(() => flow.start('noTrigger')).toThrow(expect.objectContaining({ code: 'MISSING_TRIGGER_SLOT' }));
  });

  it('execute should never reject for a routine failure (sync throw, async rejection, non-Error throw)', async () => {
    const bodies = [
      () => {
        throw new Error('sync');
      },
      async () => {
        await Promise.resolve();
        throw new Error('async');
      },
      () => {
        throw 'a string';
      },
      () => Promise.reject(undefined),
    ];
    for (const body of bodies) {
      const flow = new Flow();
      flow.addRoutine(new FnRoutine({ trigger: body }), 'r');
      const job = await flow.execute('r');
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'ROUTINE_FAILED', routineId: 'r' });
      expect(typeof job.error?.message).toBe('string');
    }
  });

  it('should keep a code carried by a thrown error', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: () => { throw Object.assign(new Error('no db'), { code: 'ECONNREFUSED' }); } }), 'r');
    const job = await flow.execute('r');
    expect(job.error).toEqual({ code: 'ECONNREFUSED', message: 'no db', routineId: 'r' });
  });
});

describe('JobState.waitForCompletion', () => {
  function blockedJob(clock: ManualClock): { flow: Flow; job: JobState; gate: Gate } {
    const gate = new Gate();
    const flow = new Flow({ clock, executionStrategy: 'concurrent', maxWorkers: 2 });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            for (let i = 0; i < 5; i++) this.emit('out', {});
          },
          in: () => gate.wait(),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    return { flow, job: flow.start('r'), gate };
  }

  it('should resolve false on timeout and leave the status untouched', async () => {
    const clock = new ManualClock();
    const { flow, job, gate } = blockedJob(clock);
    await gate.whenWaiting(2);
    let result: boolean | undefined;
    const p = JobState.waitForCompletion(flow, job, { timeout: 500 }).then((r) => (result = r));
    await clock.advance(499);
    expect(result).toBeUndefined();
    await clock.advance(1);
    await p;
    expect(result).toBe(false);
    expect(job.status).toBe('running');
    gate.open();
    expect(await JobState.waitForCompletion(flow, job, { timeout: 500 })).toBe(true);
    expect(job.status).toBe('completed');
  });

  it('should report progress every interval and once at the end', async () => {
    const clock = new ManualClock();
    const { flow, job, gate } = blockedJob(clock);
    await gate.whenWaiting(2);
    const progress: { queueSize: number; active: number; status: string }[] = [];
    const p = JobState.waitForCompletion(flow, job, { onProgress: (x) => progress.push(x), progressInterval: 100 });
    await clock.advance(250);
    expect(progress).toEqual([
      { queueSize: 3, active: 2, status: 'running' },
      { queueSize: 3, active: 2, status: 'running' },
    ]);
    gate.open();
    expect(await p).toBe(true);
    expect(progress.at(-1)).toEqual({ queueSize: 0, active: 0, status: 'completed' });
    expect(clock.pendingTimers).toBe(0); // its timers are cleared (the job's timeout too)
  });

  it('should resolve true at once for a finished or paused job', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'r');
    const job = await flow.execute('r');
    const progress: unknown[] = [];
    expect(await JobState.waitForCompletion(flow, job, { onProgress: (p) => progress.push(p) })).toBe(true);
    expect(progress).toEqual([{ queueSize: 0, active: 0, status: 'completed' }]);
  });

  it('should survive a throwing onProgress', async () => {
    const clock = new ManualClock();
    const { flow, job, gate } = blockedJob(clock);
    const p = JobState.waitForCompletion(flow, job, {
      progressInterval: 10,
      onProgress: () => {
        throw new Error('ui down');
      },
    });
    await clock.advance(30);
    gate.open();
    expect(await p).toBe(true);
  });

  it('should reject bad arguments and a job of another flow', async () => {
    const clock = new ManualClock();
    const { flow, job, gate } = blockedJob(clock);
    await expect(JobState.waitForCompletion(new Flow(), job)).rejects.toMatchObject({ code: 'FLOW_MISMATCH' });
    await expect(JobState.waitForCompletion(flow, {} as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(JobState.waitForCompletion(flow, job, { timeout: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(JobState.waitForCompletion(flow, job, { onProgress: 5 as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(JobState.waitForCompletion(flow, job, { progressInterval: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    gate.open();
    await until(() => job.status === 'completed');
  });
});

describe('context identity', () => {
  it('should give each activation its own taskId and pass the same ctx as getExecutionContext()', async () => {
    const ctxs: ExecutionContext[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger(_d, ctx) {
            ctxs.push(ctx);
            this.emit('out', {});
            this.emit('out', {});
          },
          in(_d, ctx) {
            expect(this.getExecutionContext()).toBe(ctx);
            ctxs.push(ctx);
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    await flow.execute('r');
    expect(new Set(ctxs.map((c) => c.taskId)).size).toBe(3);
  });
});
