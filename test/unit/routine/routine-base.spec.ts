import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import {
  CallbackOutputHandler,
  ErrorHandler,
  Flow,
  JobState,
  NullOutputHandler,
  QueueOutputHandler,
  Routine,
  RoutineBase,
  Slot,
  type ExecutionContext,
  type OutputRecord,
} from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { Gate } from '../../helpers/gate.js';

function caught(fn: () => unknown): { code?: string; details?: Record<string, unknown> } | undefined {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; details?: Record<string, unknown> };
  }
  return undefined;
}

/** Runs `body` inside a one-routine job and returns what it threw (or undefined). */
async function insideJob(body: (r: FnRoutine, ctx: ExecutionContext) => unknown, events: string[] = ['out']): Promise<{ code?: string } | undefined> {
  let thrown: { code?: string } | undefined;
  const r = new FnRoutine(
    {
      trigger(_d, ctx) {
        thrown = caught(() => body(this, ctx));
      },
    },
    events,
  );
  const flow = new Flow();
  flow.addRoutine(r, 'r');
  await flow.execute('r');
  return thrown;
}

describe('RoutineBase.emit', () => {
  it('should throw NO_EXECUTION_CONTEXT outside a job', () => {
    const r = new FnRoutine({}, ['out']);
    expect(caught(() => r.emit('out', {}))?.code).toBe('NO_EXECUTION_CONTEXT');
  });

  it('should throw UNKNOWN_EVENT for an undeclared event, inside and outside a job', async () => {
    const r = new FnRoutine({}, ['out']);
    expect(caught(() => r.emit('nope', {}))?.code).toBe('UNKNOWN_EVENT');
    expect((await insideJob((self) => self.emit('nope', {})))?.code).toBe('UNKNOWN_EVENT');
  });

  it('should throw INVALID_ARGUMENT for a non-object payload', async () => {
    for (const bad of [42, 'text', null, [1, 2], true]) {
      expect((await insideJob((self) => self.emit('out', bad as never)))?.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('should default the payload to {} and return void without running downstream synchronously', async () => {
    const got: unknown[] = [];
    const order: string[] = [];
    const src = new FnRoutine(
      {
        trigger() {
          const ret = this.emit('out');
          order.push(`after-emit:${String(ret)}`);
        },
      },
      ['out'],
    );
    const dst = new FnRoutine({
      in(d) {
        order.push('downstream');
        got.push(d);
      },
    });
    const flow = new Flow();
    flow.addRoutine(src, 'src');
    flow.addRoutine(dst, 'dst');
    flow.connect('src', 'out', 'dst', 'in');
    await flow.execute('src');
    expect(order).toEqual(['after-emit:undefined', 'downstream']);
    expect(got).toEqual([{}]);
  });

  it('should fail a job whose handler emits a bad payload (the code is kept)', async () => {
    const r = new FnRoutine({ trigger() { this.emit('out', 5 as never); } }, ['out']);
    const flow = new Flow();
    flow.addRoutine(r, 'r');
    const job = await flow.execute('r');
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'INVALID_ARGUMENT', routineId: 'r' });
  });
});

describe('RoutineBase configuration', () => {
  it('should merge partial configs, return values or fallbacks, and hand out copies', () => {
    const r = new FnRoutine();
    expect(r.config).toEqual({});
    expect(r.getConfig('missing', 'fb')).toBe('fb');
    expect(r.getConfig('missing')).toBeUndefined();
    r.setConfig({ a: 1, nested: { list: [1, 2] } });
    r.setConfig({ b: 'x' });
    expect(r.config).toEqual({ a: 1, b: 'x', nested: { list: [1, 2] } });
    const copy = r.config;
    (copy['nested'] as { list: number[] }).list.push(3);
    copy['a'] = 99;
    expect(r.config).toEqual({ a: 1, b: 'x', nested: { list: [1, 2] } });
    expect(r.getConfig('a')).toBe(1);
    expect(r.getConfig('toString', 'fb')).toBe('fb'); // own keys only
  });

  it('should not be affected by later changes to the object given to setConfig', () => {
    const r = new FnRoutine();
    const input = { list: [1] };
    r.setConfig(input);
    input.list.push(2);
    expect(r.getConfig('list')).toEqual([1]);
    expect(Object.isFrozen(r.getConfig('list'))).toBe(true);
  });

  it('should accept JSON values only (INVALID_CONFIG)', () => {
    const r = new FnRoutine();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const bad of [{ f: () => 1 }, { n: NaN }, { n: Infinity }, { d: new Date() }, { u: undefined }, { s: Symbol('x') }, { c: cyclic }, { m: new Map() }]) {
      expect(caught(() => r.setConfig(bad))?.code).toBe('INVALID_CONFIG');
    }
    expect(caught(() => r.setConfig(null as never))?.code).toBe('INVALID_ARGUMENT');
    expect(caught(() => r.setConfig([1] as never))?.code).toBe('INVALID_ARGUMENT');
    expect(r.config).toEqual({});
  });

  it('should reject reserved keys in config (FORBIDDEN_KEY), also nested', () => {
    const r = new FnRoutine();
    expect(caught(() => r.setConfig(JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>))?.code).toBe('FORBIDDEN_KEY');
    expect(caught(() => r.setConfig({ a: JSON.parse('{"constructor":{"prototype":{"polluted":1}}}') as unknown }))?.code).toBe('FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  class LimitsConfig {
    @IsInt() @Min(1) @Max(10) retries = 3;
    @IsString() @IsOptional() label?: string;
  }

  @Routine({ name: 'test.config.validated', config: LimitsConfig })
  class Validated extends RoutineBase {
    @Slot() trigger() {}
  }

  it('should start from the config class defaults', () => {
    expect(new Validated().config).toEqual({ retries: 3 });
  });

  it('should validate against the config class with per-field errors (INVALID_CONFIG)', () => {
    const r = new Validated();
    r.setConfig({ retries: 5, label: 'ok' });
    expect(r.config).toEqual({ retries: 5, label: 'ok' });
    const err = caught(() => r.setConfig({ retries: 0, label: 7 }));
    expect(err?.code).toBe('INVALID_CONFIG');
    const fields = (err?.details?.['fields'] ?? []) as { path: string }[];
    expect(fields.map((f) => f.path).sort()).toEqual(['label', 'retries']);
    expect(r.config).toEqual({ retries: 5, label: 'ok' }); // unchanged on failure
  });

  it('should reject unknown keys when a config class is declared', () => {
    const err = caught(() => new Validated().setConfig({ retries: 2, unknownKey: true }));
    expect(err?.code).toBe('INVALID_CONFIG');
    expect((err?.details?.['fields'] as { path: string }[]).map((f) => f.path)).toEqual(['unknownKey']);
  });
});

describe('RoutineBase.sendOutput', () => {
  async function runWithOutput(setup: (job: JobState) => void, sends = 2): Promise<JobState> {
    const gate = new Gate();
    const r = new FnRoutine({
      async trigger() {
        await gate.wait();
        for (let i = 0; i < sends; i++) this.sendOutput('progress', { i });
        this.emit('out', {});
      },
      in() {
        this.sendOutput('done', 'downstream ran');
      },
    }, ['out']);
    const flow = new Flow();
    flow.addRoutine(r, 'r');
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    setup(job); // the handler is set while the job runs, before any output is sent
    gate.open();
    await JobState.waitForCompletion(flow, job);
    return job;
  }

  it('should append records to outputLog and pass them to a CallbackOutputHandler', async () => {
    const seen: OutputRecord[] = [];
    const job = await runWithOutput((j) => j.setOutputHandler(new CallbackOutputHandler((rec) => seen.push(rec))));
    expect(job.status).toBe('completed');
    expect(job.outputLog.map((o) => [o.routineId, o.outputType, o.data])).toEqual([
      ['r', 'progress', { i: 0 }],
      ['r', 'progress', { i: 1 }],
      ['r', 'done', 'downstream ran'],
    ]);
    expect(job.outputLog.every((o) => o.timestamp instanceof Date && o.jobId === job.jobId)).toBe(true);
    expect(seen).toEqual(job.outputLog);
  });

  it('should push records onto a QueueOutputHandler queue', async () => {
    const queue: OutputRecord[] = [];
    const job = await runWithOutput((j) => j.setOutputHandler(new QueueOutputHandler(queue)));
    expect(queue).toHaveLength(3);
    expect(queue).toEqual(job.outputLog);
  });

  it('should keep the log with a NullOutputHandler', async () => {
    const job = await runWithOutput((j) => j.setOutputHandler(new NullOutputHandler()));
    expect(job.outputLog).toHaveLength(3);
  });

  it('should never let a throwing output handler break the job', async () => {
    let calls = 0;
    const job = await runWithOutput((j) =>
      j.setOutputHandler(
        new CallbackOutputHandler(() => {
          calls++;
          throw new Error('sink down');
        }),
      ),
    );
    expect(calls).toBe(3);
    expect(job.status).toBe('completed');
    expect(job.outputLog).toHaveLength(3);
  });

  it('should reject sendOutput outside a job and a bad output type', async () => {
    expect(caught(() => new FnRoutine().sendOutput('x', 1))?.code).toBe('NO_EXECUTION_CONTEXT');
    expect((await insideJob((self) => self.sendOutput('' as string, 1)))?.code).toBe('INVALID_ARGUMENT');
    expect((await insideJob((self) => self.sendOutput(5 as never, 1)))?.code).toBe('INVALID_ARGUMENT');
  });

  it('should reject a bad output handler', () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }), 'r');
    const job = flow.start('r');
    expect(caught(() => job.setOutputHandler({} as never))?.code).toBe('INVALID_ARGUMENT');
    expect(caught(() => job.setOutputHandler((() => 1) as never))?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('RoutineBase.getExecutionContext', () => {
  it('should be undefined outside a job', () => {
    expect(new FnRoutine().getExecutionContext()).toBeUndefined();
  });

  it('should give {flow, jobState, routineId, taskId, attempt, signal} in sync and async handlers (after await)', async () => {
    const seen: Record<string, unknown>[] = [];
    const gate = new Gate();
    const r = new FnRoutine(
      {
        trigger(_d, ctx) {
          const now = this.getExecutionContext();
          seen.push({ where: 'sync', same: now === ctx, routineId: now?.routineId, taskId: now?.taskId, attempt: now?.attempt, flow: now?.flow, job: now?.jobState, aborted: now?.signal.aborted });
          this.emit('out', {});
        },
        async in(_d, ctx) {
          await gate.wait();
          await Promise.resolve();
          const now = this.getExecutionContext();
          seen.push({ where: 'async', same: now === ctx, routineId: now?.routineId, taskId: now?.taskId, attempt: now?.attempt, flow: now?.flow, job: now?.jobState, aborted: now?.signal.aborted, isSignal: now?.signal instanceof AbortSignal });
        },
      },
      ['out'],
    );
    const flow = new Flow();
    flow.addRoutine(r, 'r');
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    await gate.whenWaiting(1);
    expect(r.getExecutionContext()).toBeUndefined(); // the test's own code is outside any activation
    gate.open();
    await JobState.waitForCompletion(flow, job);
    const mine = seen;
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ where: 'sync', same: true, routineId: 'r', attempt: 1, flow, aborted: false });
    expect(mine[1]).toMatchObject({ where: 'async', same: true, routineId: 'r', attempt: 1, flow, aborted: false, isSignal: true });
    expect(mine[0]!['taskId']).not.toBe(mine[1]!['taskId']);
    expect(typeof mine[0]!['taskId']).toBe('string');
  });

  it('should give continuations of plain, promise-returning and timer-scheduling handlers their own activation, even when many run in one dispatch stretch', async () => {
    // 30 activations dispatched back to back in one synchronous run of the scheduler; each
    // schedules work three ways and checks, later, that it still sees its own context.
    const mismatches: string[] = [];
    let checked = 0;
    const check = (where: string, expected: string | undefined, r: FnRoutine): void => {
      checked++;
      const now = r.getExecutionContext()?.taskId;
      if (now !== expected) mismatches.push(`${where}: expected ${String(expected)}, got ${String(now)}`);
    };
    const r: FnRoutine = new FnRoutine(
      {
        trigger() {
          for (let i = 0; i < 30; i++) this.emit('out', { i });
        },
        in(data, ctx) {
          const mine = ctx.taskId;
          const i = data['i'] as number;
          if (i % 3 === 0) return Promise.resolve().then(() => check('then', mine, r));
          if (i % 3 === 1) {
            ctx.waitUntil(new Promise<void>((resolve) => setTimeout(() => {
              check('timer', mine, r);
              resolve();
            }, 1)));
            return undefined;
          }
          return (async () => {
            await null;
            check('async', mine, r);
          })();
        },
      },
      ['out'],
    );
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 50 });
    flow.addRoutine(r, 'r');
    flow.connect('r', 'out', 'r', 'in');
    const job = flow.start('r');
    await JobState.waitForCompletion(flow, job);
    expect(job.status).toBe('completed');
    expect(checked).toBe(30);
    expect(mismatches).toEqual([]);
  });

  it('should keep contexts of two concurrent activations apart', async () => {
    const gate = new Gate();
    const seen: string[] = [];
    const r = new FnRoutine({
      async trigger(data) {
        await gate.wait();
        seen.push(`${String(data['name'])}:${this.getExecutionContext()?.jobState.getSharedData('name') as string}`);
      },
    });
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(r, 'r');
    const a = flow.start('r', { name: 'a' });
    const b = flow.start('r', { name: 'b' });
    a.updateSharedData('name', 'a');
    b.updateSharedData('name', 'b');
    await gate.whenWaiting(2);
    gate.open();
    await Promise.all([JobState.waitForCompletion(flow, a), JobState.waitForCompletion(flow, b)]);
    expect(seen.sort()).toEqual(['a:a', 'b:b']);
  });
});

describe('RoutineBase error-handler helpers', () => {
  it('setAsCritical should install a critical RETRY handler with defaults and overrides', () => {
    const r = new FnRoutine();
    r.setAsCritical();
    expect(r.getErrorHandler()).toMatchObject({ strategy: 'retry', maxRetries: 3, retryDelay: 1000, retryBackoff: 2, isCritical: true });
    r.setAsCritical({ maxRetries: 1, retryDelay: 5, retryBackoff: 3 });
    expect(r.getErrorHandler()).toMatchObject({ strategy: 'retry', maxRetries: 1, retryDelay: 5, retryBackoff: 3, isCritical: true });
    expect(caught(() => r.setAsCritical({ maxRetries: -1 }))?.code).toBe('INVALID_ARGUMENT');
  });

  it('setAsOptional should install a non-critical CONTINUE (default) or SKIP handler', () => {
    const r = new FnRoutine();
    r.setAsOptional();
    expect(r.getErrorHandler()).toMatchObject({ strategy: 'continue', isCritical: false });
    r.setAsOptional('skip');
    expect(r.getErrorHandler()).toMatchObject({ strategy: 'skip', isCritical: false });
    expect(caught(() => r.setAsOptional('stop' as never))?.code).toBe('INVALID_ARGUMENT');
  });

  it('setErrorHandler should accept an ErrorHandler or undefined only', () => {
    const r = new FnRoutine();
    const h = new ErrorHandler({ strategy: 'skip' });
    r.setErrorHandler(h);
    expect(r.getErrorHandler()).toBe(h);
    r.setErrorHandler(undefined);
    expect(r.getErrorHandler()).toBeUndefined();
    expect(caught(() => r.setErrorHandler({ strategy: 'retry' } as never))?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('RoutineBase definitions', () => {
  it('defineSlot / defineEvent should return frozen definitions and validate arguments', () => {
    const r = new FnRoutine();
    const s = r.defineSlot('s', undefined, { merge: 'append', maxQueueLength: 5 });
    expect(s).toEqual({ name: 's', handler: undefined, merge: 'append', maxQueueLength: 5, internal: false });
    expect(Object.isFrozen(s)).toBe(true);
    const e = r.defineEvent('e', ['a', 'b']);
    expect(e).toEqual({ name: 'e', params: ['a', 'b'] });
    expect(r.slots.get('s')).toBe(s);
    expect(r.events.get('e')).toBe(e);
    expect(caught(() => r.defineSlot('x', 5 as never))?.code).toBe('INVALID_ARGUMENT');
    expect(caught(() => r.defineSlot('x', undefined, { merge: 'sum' as never }))?.code).toBe('INVALID_ARGUMENT');
    expect(caught(() => r.defineSlot('x', undefined, { maxQueueLength: 1.5 }))?.code).toBe('INVALID_ARGUMENT');
    expect(caught(() => r.defineEvent('y', 'a' as never))?.code).toBe('INVALID_ARGUMENT');
    expect(caught(() => r.defineSlot('' as string))?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('RoutineBase.emitDeferredEvent', () => {
  it('should throw NO_EXECUTION_CONTEXT outside a job and UNKNOWN_EVENT for an undeclared event', async () => {
    expect(caught(() => new FnRoutine({}, ['out']).emitDeferredEvent('out', {}))?.code).toBe('NO_EXECUTION_CONTEXT');
    expect((await insideJob((self) => self.emitDeferredEvent('nope', {})))?.code).toBe('UNKNOWN_EVENT');
    expect((await insideJob((self) => self.emitDeferredEvent('out', 3 as never)))?.code).toBe('INVALID_ARGUMENT');
  });
});
