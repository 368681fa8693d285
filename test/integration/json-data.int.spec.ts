import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, JobState, Runtime, isRoutiluxError, type RoutiluxError } from '../../src/index.js';
import { FnRoutine, collector } from '../fixtures/routines.js';
import { codeOf } from '../helpers/errors.js';

function errorOf(fn: () => unknown): RoutiluxError | undefined {
  try {
    fn();
  } catch (error) {
    if (isRoutiluxError(error)) return error;
    throw error;
  }
  return undefined;
}

function oneRoutineFlow(): { flow: Flow; got: Record<string, unknown>[] } {
  const got: Record<string, unknown>[] = [];
  const flow = new Flow();
  flow.addRoutine(collector(got), 'sink');
  return { flow, got };
}

let protoNames: string[] = [];
beforeEach(() => {
  protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
});
afterEach(() => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
});

describe('payloads are JSON data (api.md §5)', () => {
  it('refuses a Map, a Date or a class instance as entry params instead of delivering {}', async () => {
    const { flow, got } = oneRoutineFlow();
    class Point {
      x = 1;
    }
    for (const bad of [new Map([['a', 1]]), new Date(0), new Point()]) {
      const err = errorOf(() => flow.start('sink', bad as never));
      expect(err?.code).toBe('INVALID_ARGUMENT');
      expect(err?.details['path']).toBe('');
    }
    const nested = errorOf(() => flow.start('sink', { at: { when: new Date(0) } }));
    expect(nested?.code).toBe('INVALID_ARGUMENT');
    expect(nested?.details['path']).toBe('/at/when');
    await expect(flow.execute('sink', { list: [1, new Map()] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { path: '/list/1' } });
    for (const v of [undefined, Number.NaN, Infinity, 10n, () => 1]) expect(codeOf(() => flow.start('sink', { v }))).toBe('INVALID_ARGUMENT');
    const ok = await flow.execute('sink', Object.assign(Object.create(null) as object, { a: [1, 'x', null, true, { b: 2 }] }));
    expect(ok.status).toBe('completed');
    expect(got).toEqual([{ a: [1, 'x', null, true, { b: 2 }] }]);
  });

  it('an emit of a Map, a Date or a class instance fails the activation with INVALID_ARGUMENT', async () => {
    for (const bad of [new Map(), new Date(0), new (class Box {})()]) {
      const got: Record<string, unknown>[] = [];
      const flow = new Flow();
      flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', bad); } }, ['out']), 'src');
      flow.addRoutine(collector(got), 'sink');
      flow.connect('src', 'out', 'sink', 'in');
      const job = await flow.execute('src', {});
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('INVALID_ARGUMENT');
      expect(got).toEqual([]);
    }
  });

  it('checks runtime.exec, runtime.post, shared data, the shared log and routine state deeply', async () => {
    const { flow } = oneRoutineFlow();
    const registry = new FlowRegistry();
    registry.registerByName('data', flow);
    const runtime = new Runtime({ registry });
    const hostile = JSON.parse('{"a":{"b":[{"__proto__":{"polluted":1}}]}}') as Record<string, unknown>;
    expect(errorOf(() => runtime.exec('data', { entryParams: hostile }))?.details['path']).toBe('/a/b/0/__proto__');
    expect(codeOf(() => runtime.exec('data', { entryParams: hostile }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => runtime.post('data', 'sink', 'in', { d: new Date() }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => runtime.post('data', 'sink', 'in', { x: { constructor: { prototype: 1 } } }))).toBe('FORBIDDEN_KEY');
    const job = new JobState(flow.flowId);
    expect(codeOf(() => job.updateSharedData('k', { deep: JSON.parse('{"__proto__":{"polluted":1}}') as unknown }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => job.updateSharedData('k', new Map()))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => job.appendToSharedLog({ at: new Date() }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => job.appendToSharedLog({ x: { prototype: 1 } }))).toBe('FORBIDDEN_KEY');
    expect(errorOf(() => job.updateRoutineState('sink', { retryCount: 1, extra: { constructor: 1 } } as never))?.details['path']).toBe('/extra/constructor');
    expect(job.sharedData).toEqual({});
    expect(job.sharedLog).toEqual([]);
    await runtime.shutdown();
  });
});

describe('emitted payloads keep reserved keys as data and restore them safely', () => {
  it('a paused job whose pending task holds __proto__ serializes, loads in another process and resumes', async () => {
    const got: Record<string, unknown>[] = [];
    const build = (): Flow => {
      const flow = new Flow({ flowId: 'reserved-keys' });
      flow.addRoutine(
        new FnRoutine({
          trigger(_d, ctx) {
            this.emit('out', JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"n":1}') as Record<string, unknown>);
            void flow.pause(ctx.jobState, 'hold');
          },
        }, ['out']),
        'src',
      );
      flow.addRoutine(collector(got), 'sink');
      flow.connect('src', 'out', 'sink', 'in');
      return flow;
    };
    const flow = build();
    const job = await flow.execute('src', {});
    expect(job.status).toBe('paused');
    const text = JSON.stringify(job.serialize());
    const restored = JobState.deserialize(JSON.parse(text));
    const data = restored.pendingTasks[0]!.data;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor', 'n']);
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ polluted: 'yes' });
    const done = await build().resume(restored);
    expect(done.status).toBe('completed');
    expect(got).toHaveLength(1);
    expect(Object.getPrototypeOf(got[0]!)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(got[0]!, '__proto__')?.value).toEqual({ polluted: 'yes' });
  });

  it('still refuses reserved keys in the structure of a document', () => {
    const { flow } = oneRoutineFlow();
    const doc = JSON.parse(JSON.stringify(new JobState(flow.flowId).serialize())) as Record<string, unknown>;
    const bad = JSON.parse(JSON.stringify(doc).replace('"sharedData":{}', '"sharedData":{"__proto__":{"polluted":1}}')) as unknown;
    expect(codeOf(() => JobState.deserialize(bad))).toBe('FORBIDDEN_KEY');
  });
});

describe('ids inside a deserialized JobState (api.md §5)', () => {
  it('refuses a bad jobId, flowId, routine id or slot name with INVALID_FORMAT and a JSON Pointer', async () => {
    const flow = new Flow({ flowId: 'ids' });
    flow.addRoutine(new FnRoutine({ trigger(_d, ctx) { this.emit('out', { n: 1 }); void flow.pause(ctx.jobState); } }, ['out']), 'src');
    flow.addRoutine(new FnRoutine({ in: { handler() {}, options: { merge: 'append' } } }), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    const job = await flow.execute('src', {});
    const doc = JSON.parse(JSON.stringify(job.serialize())) as Record<string, any>;
    expect(JobState.deserialize(structuredClone(doc)).jobId).toBe(job.jobId);
    const cases: [string, (d: Record<string, any>) => void][] = [
      ['/jobId', (d) => (d['jobId'] = '../x')],
      ['/jobId', (d) => (d['jobId'] = 'a\u0000b')],
      ['/jobId', (d) => (d['jobId'] = 'x'.repeat(10_000))],
      ['/flowId', (d) => (d['flowId'] = 'a/b')],
      ['/routineStates/..~1etc', (d) => (d['routineStates']['../etc'] = { status: 'completed' })],
      ['/executionHistory/0/routineId', (d) => (d['executionHistory'][0]['routineId'] = '')],
      ['/pendingTasks/0/routineId', (d) => (d['pendingTasks'][0]['routineId'] = 'bad id')],
      ['/pendingTasks/0/slotName', (d) => (d['pendingTasks'][0]['slotName'] = '-x')],
      ['/slotBuffers/0/routineId', (d) => (d['slotBuffers'] = [{ routineId: 'a b', slotName: 'in', data: {} }])],
    ];
    for (const [path, damage] of cases) {
      const copy = structuredClone(doc);
      damage(copy);
      const err = errorOf(() => JobState.deserialize(copy));
      expect(err?.code, path).toBe('INVALID_FORMAT');
      expect(err?.details['path'], path).toBe(path);
    }
    await flow.cancel(job);
  });
});
