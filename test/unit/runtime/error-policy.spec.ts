import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState, type ErrorHandlerOptions, type ExecutionContext } from '../../../src/index.js';
import { FnRoutine, type TestHandler } from '../../fixtures/routines.js';
import { Gate, until } from '../../helpers/gate.js';
import { ManualClock, flushAsync } from '../../helpers/manual-clock.js';

const failSync: TestHandler = () => {
  throw new Error('boom');
};
const failAsync: TestHandler = async () => {
  await Promise.resolve();
  throw new Error('boom');
};
const modes = [
  ['sync throw', failSync],
  ['async rejection', failAsync],
] as const;

/**
 * src.trigger emits `out` three times; `bad` (connected first) fails on the first message,
 * `good` logs every message it receives and emits `done` to `tail`.
 */
function pipeline(fail: TestHandler, log: string[], options: { clock?: ManualClock } = {}): Flow {
  const flow = new Flow(options);
  flow.addRoutine(
    new FnRoutine(
      {
        trigger() {
          log.push('src');
          for (let i = 0; i < 3; i++) this.emit('out', { i });
        },
      },
      ['out'],
    ),
    'src',
  );
  flow.addRoutine(
    new FnRoutine(
      {
        in(d, ctx) {
          log.push(`bad${String(d['i'])}`);
          if (d['i'] === 0) return fail.call(this, d, ctx);
          this.emit('out', d);
          return undefined;
        },
      },
      ['out'],
    ),
    'bad',
  );
  flow.addRoutine(new FnRoutine({ in: (d) => void log.push(`good${String(d['i'])}`) }), 'good');
  flow.addRoutine(new FnRoutine({ in: (d) => void log.push(`tail${String(d['i'])}`) }), 'tail');
  flow.connect('src', 'out', 'bad', 'in');
  flow.connect('src', 'out', 'good', 'in');
  flow.connect('bad', 'out', 'tail', 'in');
  return flow;
}

describe.each(modes)('error strategies — %s', (_label, fail) => {
  it('STOP (the default) should fail the job, mark the routine failed, set the error, start nothing further', async () => {
    const log: string[] = [];
    const job = await pipeline(fail, log).execute('src');
    expect(job.status).toBe('failed');
    expect(job.getRoutineState('bad')).toMatchObject({ status: 'failed', error: { code: 'ROUTINE_FAILED', message: 'boom' } });
    expect(job.error).toEqual({ code: 'ROUTINE_FAILED', message: 'boom', routineId: 'bad' });
    expect(log).toEqual(['src', 'bad0']); // good0, bad1… were queued and never started
    expect(job.getExecutionHistory('bad')).toEqual([expect.objectContaining({ eventName: 'error', data: expect.objectContaining({ error: 'boom', code: 'ROUTINE_FAILED', attempt: 1, slot: 'in' }) })]);
  });

  it('STOP on the entry routine should fail the job', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: fail }), 'entry');
    const job = await flow.execute('entry');
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ routineId: 'entry', message: 'boom' });
    expect(job.getRoutineState('entry')?.status).toBe('failed');
    expect(job.executionHistory.map((h) => h.eventName)).toEqual(['start', 'error']);
  });

  it('CONTINUE should mark the routine error_continued, record the error and let the job complete', async () => {
    const log: string[] = [];
    const flow = pipeline(fail, log);
    flow.routines.get('bad')!.setErrorHandler(new ErrorHandler({ strategy: 'continue' }));
    const job = await flow.execute('src');
    expect(job.status).toBe('completed');
    expect(job.error).toBeUndefined();
    expect(job.getRoutineState('bad')).toMatchObject({ status: 'error_continued', error: { message: 'boom' } });
    expect(log).toEqual(['src', 'bad0', 'good0', 'bad1', 'good1', 'bad2', 'good2', 'tail1', 'tail2']); // no tail0
    expect(job.getExecutionHistory('bad').map((h) => h.eventName)).toEqual(['error', 'out', 'out']);
  });

  it('SKIP should mark the routine skipped and go on', async () => {
    const log: string[] = [];
    const flow = pipeline(fail, log);
    flow.routines.get('bad')!.setAsOptional('skip');
    const job = await flow.execute('src');
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('bad')?.status).toBe('skipped');
    expect(log).toContain('tail2');
    expect(log).not.toContain('tail0');
  });

  it('CONTINUE / SKIP on the entry routine should let the job complete', async () => {
    for (const strategy of ['continue', 'skip'] as const) {
      const flow = new Flow();
      flow.addRoutine(new FnRoutine({ trigger: fail }), 'entry');
      flow.setErrorHandler(new ErrorHandler({ strategy }));
      const job = await flow.execute('entry');
      expect(job.status).toBe('completed');
      expect(job.getRoutineState('entry')?.status).toBe(strategy === 'continue' ? 'error_continued' : 'skipped');
    }
  });

  it('RETRY should re-run the same activation until it succeeds', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine({
        trigger(d, ctx) {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) return fail.call(this, d, ctx);
          return undefined;
        },
      }),
      'entry',
    );
    flow.routines.get('entry')!.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 3, retryDelay: 10 }));
    const p = flow.execute('entry');
    await clock.runAll();
    const job = await p;
    expect(job.status).toBe('completed');
    expect(attempts).toEqual([1, 2, 3]);
    expect(job.getRoutineState('entry')).toMatchObject({ status: 'completed', retryCount: 2 });
  });
});

describe('error handler resolution', () => {
  async function outcome(routineHandler: ErrorHandlerOptions | undefined, flowHandler: ErrorHandlerOptions | undefined): Promise<[string, string | undefined]> {
    const flow = new Flow();
    const r = new FnRoutine({ trigger: failSync });
    flow.addRoutine(r, 'r');
    if (routineHandler) r.setErrorHandler(new ErrorHandler(routineHandler));
    if (flowHandler) flow.setErrorHandler(new ErrorHandler(flowHandler));
    const job = await flow.execute('r');
    return [job.status, job.getRoutineState('r')?.status];
  }

  it('should prefer the routine handler, then the flow handler, then STOP', async () => {
    expect(await outcome({ strategy: 'skip' }, { strategy: 'continue' })).toEqual(['completed', 'skipped']);
    expect(await outcome({ strategy: 'stop' }, { strategy: 'continue' })).toEqual(['failed', 'failed']);
    expect(await outcome(undefined, { strategy: 'continue' })).toEqual(['completed', 'error_continued']);
    expect(await outcome(undefined, undefined)).toEqual(['failed', 'failed']);
  });
});

describe('RETRY', () => {
  function flaky(clock: ManualClock, failUntilAttempt: number, record: { attempt: number; taskId: string; at: number }[]): FnRoutine {
    return new FnRoutine(
      {
        async trigger(_d, ctx) {
          record.push({ attempt: ctx.attempt, taskId: ctx.taskId, at: clock.monotonic() });
          await Promise.resolve();
          if (ctx.attempt < failUntilAttempt) throw new Error(`fail ${ctx.attempt}`);
          this.emit('out', { ok: ctx.attempt });
        },
      },
      ['out'],
    );
  }

  it('should wait exactly retryDelay * retryBackoff^(n-1) and re-run attempts 2..n+1 with the same taskId', async () => {
    const clock = new ManualClock();
    const record: { attempt: number; taskId: string; at: number }[] = [];
    const flow = new Flow({ clock, executionTimeout: Infinity });
    const r = flaky(clock, 99, record);
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 3, retryDelay: 100, retryBackoff: 3, isCritical: true }));
    flow.addRoutine(r, 'r');
    const job = flow.start('r');
    await flushAsync(2);
    expect(record.map((x) => x.attempt)).toEqual([1]);
    await clock.advance(99);
    expect(record.map((x) => x.attempt)).toEqual([1]);
    await clock.advance(1);
    expect(record.map((x) => x.attempt)).toEqual([1, 2]);
    await clock.advance(299);
    expect(record).toHaveLength(2);
    await clock.advance(1);
    expect(record).toHaveLength(3);
    await clock.advance(899);
    expect(record).toHaveLength(3);
    expect(job.status).toBe('running');
    await clock.advance(1);
    await until(() => job.status !== 'running');
    expect(record.map((x) => [x.attempt, x.at])).toEqual([
      [1, 0],
      [2, 100],
      [3, 400],
      [4, 1300],
    ]);
    expect(new Set(record.map((x) => x.taskId)).size).toBe(1);
    // exhausted, critical → STOP
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ routineId: 'r', message: 'fail 4' });
    expect(job.getRoutineState('r')).toMatchObject({ status: 'failed', retryCount: 3 });
    expect(job.getExecutionHistory('r').filter((h) => h.eventName === 'error').map((h) => (h.data as { attempt: number }).attempt)).toEqual([1, 2, 3, 4]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('should not hold a worker while waiting: other tasks run during the backoff (sequential)', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('out', { id: 'flaky' });
            for (let i = 0; i < 3; i++) this.emit('out', { id: `steady${i}` });
          },
        },
        ['out'],
      ),
      'src',
    );
    const worker = new FnRoutine({
      in(d, ctx) {
        log.push(`${String(d['id'])}#${ctx.attempt}`);
        if (d['id'] === 'flaky' && ctx.attempt === 1) throw new Error('transient');
      },
    });
    worker.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 1, retryDelay: 1000 }));
    flow.addRoutine(worker, 'w');
    flow.connect('src', 'out', 'w', 'in');
    const job = flow.start('src');
    await until(() => log.length === 4);
    expect(log).toEqual(['flaky#1', 'steady0#1', 'steady1#1', 'steady2#1']);
    expect(job.status).toBe('running'); // the retry is still waiting
    await clock.advance(1000);
    await until(() => job.status === 'completed');
    expect(log.at(-1)).toBe('flaky#2');
    expect(job.getRoutineState('w')?.retryCount).toBe(1);
  });

  it('should give up at once for a non-retryable error: critical → job failed', async () => {
    const clock = new ManualClock();
    const record: { attempt: number; taskId: string; at: number }[] = [];
    const flow = new Flow({ clock });
    const r = flaky(clock, 99, record);
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', retryable: (e) => e.message.includes('transient') }));
    flow.addRoutine(r, 'r');
    const job = await flow.execute('r');
    expect(job.status).toBe('failed');
    expect(record).toHaveLength(1);
    expect(job.getRoutineState('r')?.retryCount).toBe(0);
  });

  it('non-critical exhaustion should mark the routine failed and let the job go on', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const flow = new Flow({ clock });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('out', { id: 'x' });
            this.emit('other', {});
          },
        },
        ['out', 'other'],
      ),
      'src',
    );
    const bad = new FnRoutine({ in: failSync });
    bad.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 5, isCritical: false }));
    flow.addRoutine(bad, 'bad');
    flow.addRoutine(new FnRoutine({ in: () => void log.push('other ran') }), 'ok');
    flow.connect('src', 'out', 'bad', 'in');
    flow.connect('src', 'other', 'ok', 'in');
    const p = flow.execute('src');
    await clock.runAll();
    const job = await p;
    expect(job.status).toBe('completed');
    expect(job.error).toBeUndefined();
    expect(job.getRoutineState('bad')).toMatchObject({ status: 'failed', retryCount: 2 });
    expect(log).toEqual(['other ran']);
  });

  it('setAsCritical should retry with its backoff and then fail the job', async () => {
    const clock = new ManualClock();
    const record: { attempt: number; taskId: string; at: number }[] = [];
    const flow = new Flow({ clock });
    const r = flaky(clock, 99, record);
    r.setAsCritical({ maxRetries: 2, retryDelay: 50 });
    flow.addRoutine(r, 'r');
    const p = flow.execute('r');
    await clock.runAll();
    const job = await p;
    expect(record.map((x) => x.at)).toEqual([0, 50, 150]);
    expect(job.status).toBe('failed');
  });

  it('should count retries per job: a second job of the same flow has its full budget', async () => {
    const clock = new ManualClock();
    const attempts = new Map<string, number[]>();
    const flow = new Flow({ clock, executionStrategy: 'concurrent' });
    const r = new FnRoutine({
      trigger(_d, ctx: ExecutionContext) {
        const list = attempts.get(ctx.jobState.jobId) ?? [];
        list.push(ctx.attempt);
        attempts.set(ctx.jobState.jobId, list);
        throw new Error('always');
      },
    });
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 10, isCritical: false }));
    flow.addRoutine(r, 'r');
    const a = flow.start('r');
    await clock.advance(10); // job A used one retry…
    const b = flow.start('r'); // …when job B starts
    await clock.runAll();
    await Promise.all([JobState.waitForCompletion(flow, a), JobState.waitForCompletion(flow, b)]);
    expect(attempts.get(a.jobId)).toEqual([1, 2, 3]);
    expect(attempts.get(b.jobId)).toEqual([1, 2, 3]);
    expect(a.getRoutineState('r')?.retryCount).toBe(2);
    expect(b.getRoutineState('r')?.retryCount).toBe(2);
  });

  it('should count the retry budget per task: each message of one job gets its own retries', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const flow = new Flow({ clock });
    flow.addRoutine(new FnRoutine({ trigger() { for (let i = 0; i < 3; i++) this.emit('out', { i }); } }, ['out']), 'src');
    const w = new FnRoutine({
      in(d, ctx) {
        seen.push(`${String(d['i'])}#${ctx.attempt}`);
        if (ctx.attempt === 1) throw new Error('first try fails');
      },
    });
    w.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 1, retryDelay: 1 }));
    flow.addRoutine(w, 'w');
    flow.connect('src', 'out', 'w', 'in');
    const p = flow.execute('src');
    await clock.runAll();
    const job = await p;
    expect(job.status).toBe('completed');
    expect(seen.sort()).toEqual(['0#1', '0#2', '1#1', '1#2', '2#1', '2#2']);
  });

  it('a retried activation of a merge slot should not merge its payload twice', async () => {
    const clock = new ManualClock();
    const got: unknown[] = [];
    const flow = new Flow({ clock });
    flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', { v: 1 }); this.emit('out', { v: 2 }); } }, ['out']), 'src');
    const w = new FnRoutine({
      in: {
        handler(d, ctx) {
          got.push(d);
          if (ctx.attempt === 1 && (d['v'] as unknown[]).length === 1) throw new Error('once');
        },
        options: { merge: 'append' },
      },
    });
    w.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 1, retryDelay: 5 }));
    flow.addRoutine(w, 'w');
    flow.connect('src', 'out', 'w', 'in');
    const p = flow.execute('src');
    await clock.runAll();
    expect((await p).status).toBe('completed');
    expect(got).toEqual([{ v: [1] }, { v: [1, 2] }, { v: [1] }]);
  });
});

describe('execution timeout', () => {
  it('should fail the job with EXECUTION_TIMEOUT, abort the signal and start nothing further', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const log: string[] = [];
    let signal: AbortSignal | undefined;
    const flow = new Flow({ clock, executionTimeout: 1000 });
    flow.addRoutine(
      new FnRoutine(
        {
          async trigger(_d, ctx) {
            signal = ctx.signal;
            this.emit('out', { n: 1 }); // queued behind the hung handler
            await gate.wait();
            log.push('hung handler resumed');
            this.emit('out', { n: 2 });
          },
          in: (d) => void log.push(`downstream ${String(d['n'])}`),
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    const p = flow.execute('r');
    await gate.whenWaiting(1);
    await clock.advance(999);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    const job = await p; // resolves at the timeout, not when the handler gives up
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'EXECUTION_TIMEOUT', routineId: 'r' });
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as { code?: string }).code).toBe('EXECUTION_TIMEOUT');
    gate.open();
    await flushAsync(3);
    expect(log).toEqual(['hung handler resumed']);
    expect(job.status).toBe('failed');
  });

  it('should use the timeout given to execute over the flow default', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const flow = new Flow({ clock });
    flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'r');
    const p = flow.execute('r', {}, { timeout: 50 });
    await clock.advance(50);
    expect((await p).error?.code).toBe('EXECUTION_TIMEOUT');
    gate.open();
  });

  it('should also stop a job waiting out a retry backoff', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock, executionTimeout: 500 });
    const r = new FnRoutine({ trigger: failSync });
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 5, retryDelay: 400 }));
    flow.addRoutine(r, 'r');
    const p = flow.execute('r');
    await clock.advance(500);
    const job = await p;
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('EXECUTION_TIMEOUT');
    expect(clock.pendingTimers).toBe(0);
    expect(job.getRoutineState('r')?.retryCount).toBe(2);
  });
});

describe('robustness', () => {
  it('should never leave a job running after failures of every kind', async () => {
    const handlers: TestHandler[] = [
      failSync,
      failAsync,
      () => {
        throw null;
      },
      () => Promise.reject(new Error('x')),
      function (this: FnRoutine) {
        this.emit('missing', {});
      },
      function (this: FnRoutine) {
        this.emit('out', 'not an object' as never);
      },
    ];
    for (const h of handlers) {
      for (const strategy of ['stop', 'continue', 'skip'] as const) {
        const flow = new Flow();
        flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', {}); }, in: h }, ['out']), 'r');
        flow.connect('r', 'out', 'r', 'in');
        flow.setErrorHandler(new ErrorHandler({ strategy }));
        const job = await flow.execute('r');
        expect(job.status).toBe(strategy === 'stop' ? 'failed' : 'completed');
      }
    }
  });
});

describe('no framework-originated unhandled rejections', () => {
  it('should raise none across failures, retries, timeouts and cancels', async () => {
    const seen: unknown[] = [];
    const onRejection = (reason: unknown): void => void seen.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const clock = new ManualClock();
      for (const strategy of ['stop', 'continue', 'skip', 'retry'] as const) {
        const flow = new Flow({ clock, executionTimeout: 50 });
        flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', {}); }, in: failAsync }, ['out']), 'r');
        flow.connect('r', 'out', 'r', 'in');
        flow.setErrorHandler(new ErrorHandler({ strategy, retryDelay: 10, maxRetries: 2 }));
        const p = flow.execute('r');
        await clock.advance(100);
        await p;
      }
      const gate = new Gate();
      const flow = new Flow({ clock });
      flow.addRoutine(new FnRoutine({ trigger: () => gate.wait() }), 'r');
      const job = flow.start('r');
      await gate.whenWaiting(1);
      const cancelled = flow.cancel(job, '', { grace: 0 });
      await clock.advance(0); // the grace timer runs on the manual clock too
      await cancelled;
      gate.fail(new Error('late failure after cancel'));
      await flushAsync(5);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(seen).toEqual([]);
  });
});
