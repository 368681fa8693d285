import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState, RoutineBase, type MergeFunction } from '../../../src/index.js';
import { FnRoutine, collector, relay } from '../../fixtures/routines.js';
import { Gate } from '../../helpers/gate.js';
import { codeOf } from '../../helpers/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('new Flow(options)', () => {
  it('should apply the documented defaults', () => {
    const flow = new Flow();
    expect(flow.flowId).toMatch(UUID);
    expect(new Flow().flowId).not.toBe(flow.flowId);
    expect(flow.executionStrategy).toBe('sequential');
    expect(flow.maxWorkers).toBe(1);
    expect(flow.executionTimeout).toBe(300_000);
    expect(flow.routines.size).toBe(0);
    expect(flow.connections).toEqual([]);
  });

  it('should force maxWorkers 1 in sequential mode and default to 5 when concurrent', () => {
    expect(new Flow({ executionStrategy: 'sequential', maxWorkers: 8 }).maxWorkers).toBe(1);
    expect(new Flow({ executionStrategy: 'concurrent' }).maxWorkers).toBe(5);
    expect(new Flow({ executionStrategy: 'concurrent', maxWorkers: 3 }).maxWorkers).toBe(3);
  });

  it('should keep the given flowId and executionTimeout', () => {
    const flow = new Flow({ flowId: 'my-flow', executionTimeout: 1234 });
    expect(flow.flowId).toBe('my-flow');
    expect(flow.executionTimeout).toBe(1234);
    expect(new Flow({ executionTimeout: Infinity }).executionTimeout).toBe(Infinity);
  });

  it('should reject bad options with INVALID_ARGUMENT', () => {
    const bad: unknown[] = [
      null,
      42,
      { executionStrategy: 'parallel' },
      { maxWorkers: 0 },
      { maxWorkers: -1 },
      { maxWorkers: 1.5 },
      { maxWorkers: 1e9 },
      { maxWorkers: NaN },
      { maxWorkers: '4' },
      { executionTimeout: 0 },
      { executionTimeout: -5 },
      { executionTimeout: NaN },
      { executionTimeout: '10' },
      { flowId: '' },
      { flowId: '../x' },
      { flowId: 7 },
      { clock: {} },
      { historyLimit: -1 },
      { unknownOption: true },
    ];
    for (const options of bad) expect(codeOf(() => new Flow(options as never)), JSON.stringify(options)).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Flow({ flowId: '__proto__' }))).toBe('FORBIDDEN_KEY');
  });
});

describe('Flow.addRoutine', () => {
  it('should add instances and classes, returning ids (default: type name made unique)', () => {
    class Thing extends RoutineBase {}
    const flow = new Flow();
    expect(flow.addRoutine(new Thing())).toBe('Thing');
    expect(flow.addRoutine(new Thing())).toBe('Thing_2');
    expect(flow.addRoutine(Thing)).toBe('Thing_3');
    expect(flow.addRoutine(new Thing(), 'custom')).toBe('custom');
    expect([...flow.routines.keys()]).toEqual(['Thing', 'Thing_2', 'Thing_3', 'custom']);
    expect(flow.routines.get('Thing_3')).toBeInstanceOf(Thing);
  });

  it('should reject a duplicate id with DUPLICATE_ROUTINE_ID', () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine(), 'a');
    expect(codeOf(() => flow.addRoutine(new FnRoutine(), 'a'))).toBe('DUPLICATE_ROUTINE_ID');
    expect(flow.routines.size).toBe(1);
  });

  it('should reject bad routines and ids', () => {
    const flow = new Flow();
    expect(codeOf(() => flow.addRoutine({} as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.addRoutine(class NotRoutine {} as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.addRoutine(new FnRoutine(), ''))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.addRoutine(new FnRoutine(), 'a b'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.addRoutine(new FnRoutine(), '__proto__'))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => flow.addRoutine(new FnRoutine(), 'constructor'))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => flow.addRoutine(new FnRoutine(), 'prototype'))).toBe('FORBIDDEN_KEY');
    const r = new FnRoutine();
    flow.addRoutine(r, 'once');
    expect(codeOf(() => flow.addRoutine(r, 'twice'))).toBe('INVALID_ARGUMENT');
    expect(flow.routines.size).toBe(1);
  });
});

describe('Flow.connect', () => {
  function twoNodes(): Flow {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }, ['out']), 'a');
    flow.addRoutine(new FnRoutine({ in() {} }, ['out']), 'b');
    return flow;
  }

  it('should return and record the connection', () => {
    const flow = twoNodes();
    const c = flow.connect('a', 'out', 'b', 'in', { x: 'y' });
    expect(c).toEqual({ sourceRoutineId: 'a', sourceEvent: 'out', targetRoutineId: 'b', targetSlot: 'in', paramMapping: { x: 'y' } });
    expect(flow.connections).toEqual([c]);
    const plain = flow.connect('b', 'out', 'b', 'in');
    expect(plain).toEqual({ sourceRoutineId: 'b', sourceEvent: 'out', targetRoutineId: 'b', targetSlot: 'in' });
    flow.connections.pop();
    expect(flow.connections).toHaveLength(2); // getter returns a copy
  });

  it('should throw UNKNOWN_ROUTINE / UNKNOWN_EVENT / UNKNOWN_SLOT for bad endpoints', () => {
    const flow = twoNodes();
    expect(codeOf(() => flow.connect('x', 'out', 'b', 'in'))).toBe('UNKNOWN_ROUTINE');
    expect(codeOf(() => flow.connect('a', 'out', 'x', 'in'))).toBe('UNKNOWN_ROUTINE');
    expect(codeOf(() => flow.connect('a', 'nope', 'b', 'in'))).toBe('UNKNOWN_EVENT');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'nope'))).toBe('UNKNOWN_SLOT');
    expect(codeOf(() => flow.connect('a', 'toString', 'b', 'in'))).toBe('UNKNOWN_EVENT');
    expect(flow.connections).toEqual([]);
  });

  it('should reject bad mappings and reserved mapping keys (FORBIDDEN_KEY)', () => {
    const flow = twoNodes();
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', JSON.parse('{"__proto__":"x"}') as Record<string, string>))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', { x: '__proto__' }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', { constructor: 'x' }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', { x: 'prototype' }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', { x: '' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', { x: 5 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', 'x' as never))).toBe('INVALID_ARGUMENT');
    expect(flow.connections).toEqual([]);
  });

  it('should reject an identical second connection', () => {
    const flow = twoNodes();
    flow.connect('a', 'out', 'b', 'in');
    expect(codeOf(() => flow.connect('a', 'out', 'b', 'in'))).toBe('INVALID_ARGUMENT');
  });
});

describe('connections at run time', () => {
  it('should allow self-connections', async () => {
    const seen: number[] = [];
    const r = new FnRoutine(
      {
        trigger() {
          this.emit('next', { n: 1 });
        },
        loop(d) {
          const n = d['n'] as number;
          seen.push(n);
          if (n < 4) this.emit('next', { n: n + 1 });
        },
      },
      ['next'],
    );
    const flow = new Flow();
    flow.addRoutine(r, 'r');
    flow.connect('r', 'next', 'r', 'loop');
    const job = await flow.execute('r');
    expect(job.status).toBe('completed');
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('should deliver many-to-many: every source to every connected slot', async () => {
    const got: string[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            this.emit('e1', { from: 's1' });
            this.emit('e2', { from: 's1e2' });
          },
        },
        ['e1', 'e2'],
      ),
      's1',
    );
    flow.addRoutine(new FnRoutine({ in() { this.emit('e1', { from: 's2' }); } }, ['e1']), 's2');
    for (const t of ['t1', 't2']) {
      flow.addRoutine(
        new FnRoutine({
          x(d) {
            got.push(`${t}.x<-${String(d['from'])}`);
          },
          y(d) {
            got.push(`${t}.y<-${String(d['from'])}`);
          },
        }),
        t,
      );
    }
    flow.connect('s1', 'e1', 's2', 'in');
    flow.connect('s1', 'e1', 't1', 'x');
    flow.connect('s1', 'e1', 't2', 'x');
    flow.connect('s1', 'e2', 't1', 'y');
    flow.connect('s2', 'e1', 't1', 'x');
    flow.connect('s2', 'e1', 't2', 'y');
    const job = await flow.execute('s1');
    expect(job.status).toBe('completed');
    expect(got.sort()).toEqual(['t1.x<-s1', 't1.x<-s2', 't1.y<-s1e2', 't2.x<-s1', 't2.y<-s2'].sort());
  });

  it('should deliver a new shallow copy to every connected slot, in connection order', async () => {
    const received: { slot: string; data: Record<string, unknown> }[] = [];
    const nested = { deep: true };
    let sent: Record<string, unknown> | undefined;
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            sent = { v: 1, nested };
            this.emit('out', sent);
          },
        },
        ['out'],
      ),
      'src',
    );
    for (const id of ['c', 'a', 'b']) {
      flow.addRoutine(
        new FnRoutine({
          in(d) {
            received.push({ slot: id, data: d });
            d['mutated'] = id; // a handler mutating its copy must not affect the others
          },
        }),
        id,
      );
    }
    flow.connect('src', 'out', 'c', 'in');
    flow.connect('src', 'out', 'a', 'in');
    flow.connect('src', 'out', 'b', 'in');
    await flow.execute('src');
    expect(received.map((r) => r.slot)).toEqual(['c', 'a', 'b']);
    expect(received.map((r) => r.data['mutated'])).toEqual(['c', 'a', 'b']);
    for (const r of received) {
      expect(r.data).not.toBe(sent);
      expect(r.data['nested']).toBe(nested); // shallow: nested objects are shared, not cloned
    }
    expect(new Set(received.map((r) => r.data)).size).toBe(3);
    expect(sent).toEqual({ v: 1, nested }); // the emitter's object is untouched
  });

  it('should apply paramMapping exactly as specified: {a:"b"} on {a:1,b:2,z:3} → {b:1,a:1,z:3}', async () => {
    const got: Record<string, unknown>[] = [];
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger(d) { this.emit('out', d); } }, ['out']), 'src');
    flow.addRoutine(collector(got), 'dst');
    flow.connect('src', 'out', 'dst', 'in', { a: 'b' });
    await flow.execute('src', { a: 1, b: 2, z: 3 });
    expect(got).toEqual([{ b: 1, a: 1, z: 3 }]);
  });

  it('should leave payloads without the mapped key unchanged and map several keys', async () => {
    const got: Record<string, unknown>[] = [];
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger(d) { this.emit('out', d); } }, ['out']), 'src');
    flow.addRoutine(collector(got), 'dst');
    flow.connect('src', 'out', 'dst', 'in', { a: 'x', c: 'y', missing: 'm' });
    await flow.execute('src', { a: 1, c: 3, k: 4 });
    expect(got).toEqual([{ a: 1, x: 1, c: 3, y: 3, k: 4 }]);
    expect('m' in got[0]!).toBe(false);
  });

  it('should apply a mapping per connection only', async () => {
    const mapped: Record<string, unknown>[] = [];
    const plain: Record<string, unknown>[] = [];
    const flow = new Flow();
    flow.addRoutine(relay(), 'src');
    flow.addRoutine(collector(mapped), 'm');
    flow.addRoutine(collector(plain), 'p');
    flow.connect('src', 'out', 'm', 'in', { a: 'b' });
    flow.connect('src', 'out', 'p', 'in');
    await flow.execute('src', { a: 1 });
    expect(mapped).toEqual([{ a: 1, b: 1 }]);
    expect(plain).toEqual([{ a: 1 }]);
  });
});

describe('merge strategies', () => {
  async function runMerge(merge: 'override' | 'append' | MergeFunction | undefined, payloads: Record<string, unknown>[]): Promise<unknown[]> {
    const got: unknown[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            for (const p of payloads) this.emit('out', p);
          },
        },
        ['out'],
      ),
      'src',
    );
    flow.addRoutine(new FnRoutine({ in: { handler: (d) => void got.push(d), options: merge === undefined ? {} : { merge } } }), 'dst');
    flow.connect('src', 'out', 'dst', 'in');
    const job = await flow.execute('src');
    expect(job.status).toBe('completed');
    return got;
  }

  it("'override' (default) should hand each payload as is", async () => {
    expect(await runMerge(undefined, [{ a: 1 }, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(await runMerge('override', [{ a: 1 }, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("'append' should accumulate every key as an array; array values stay one element", async () => {
    const got = await runMerge('append', [{ a: 1 }, { a: 2, b: 'x' }, { a: [3, 4] }]);
    expect(got).toEqual([{ a: [1] }, { a: [1, 2], b: ['x'] }, { a: [1, 2, [3, 4]], b: ['x'] }]);
  });

  it("'append' snapshots should not change after the handler received them", async () => {
    const got = (await runMerge('append', [{ a: 1 }, { a: 2 }])) as { a: number[] }[];
    expect(got[0]!.a).toEqual([1]);
    expect(got[0]).not.toBe(got[1]);
  });

  it('a merge function should receive (buffer, incoming) and its result should become the buffer', async () => {
    const calls: [Record<string, unknown>, Record<string, unknown>][] = [];
    const sum: MergeFunction = (buffer, incoming) => {
      calls.push([{ ...buffer }, incoming]);
      return { total: ((buffer['total'] as number | undefined) ?? 0) + (incoming['n'] as number) };
    };
    const got = await runMerge(sum, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(got).toEqual([{ total: 1 }, { total: 3 }, { total: 6 }]);
    expect(calls.map((c) => c[0])).toEqual([{}, { total: 1 }, { total: 3 }]);
  });

  it('a merge function returning a non-object should fail the activation with INVALID_ARGUMENT', async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger: { handler: () => undefined, options: { merge: (() => 5) as never } } }), 'r');
    const job = await flow.execute('r');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('INVALID_ARGUMENT');
  });

  it('buffers should be per job: two concurrent jobs of one flow never see each other', async () => {
    const gate = new Gate();
    const seen = new Map<string, unknown[]>();
    const src = new FnRoutine(
      {
        async trigger(d) {
          this.emit('out', { v: `${String(d['job'])}1` });
          await gate.wait();
          this.emit('out', { v: `${String(d['job'])}2` });
        },
      },
      ['out'],
    );
    const sumFn: MergeFunction = (buffer, incoming) => ({ seen: [...((buffer['seen'] as unknown[] | undefined) ?? []), incoming['v']] });
    const dst = new FnRoutine({
      app: {
        handler(d, ctx) {
          const list = seen.get(ctx.jobState.jobId) ?? [];
          list.push(d);
          seen.set(ctx.jobState.jobId, list);
        },
        options: { merge: 'append' },
      },
      fn: {
        handler(d, ctx) {
          const list = seen.get(`${ctx.jobState.jobId}:fn`) ?? [];
          list.push(d);
          seen.set(`${ctx.jobState.jobId}:fn`, list);
        },
        options: { merge: sumFn },
      },
    });
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 4 });
    flow.addRoutine(src, 'src');
    flow.addRoutine(dst, 'dst');
    flow.connect('src', 'out', 'dst', 'app');
    flow.connect('src', 'out', 'dst', 'fn');
    const a = flow.start('src', { job: 'A' });
    const b = flow.start('src', { job: 'B' });
    await gate.whenWaiting(2);
    gate.open();
    await Promise.all([JobState.waitForCompletion(flow, a), JobState.waitForCompletion(flow, b)]);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expect(seen.get(a.jobId)).toEqual([{ v: ['A1'] }, { v: ['A1', 'A2'] }]);
    expect(seen.get(b.jobId)).toEqual([{ v: ['B1'] }, { v: ['B1', 'B2'] }]);
    expect(seen.get(`${a.jobId}:fn`)).toEqual([{ seen: ['A1'] }, { seen: ['A1', 'A2'] }]);
    expect(seen.get(`${b.jobId}:fn`)).toEqual([{ seen: ['B1'] }, { seen: ['B1', 'B2'] }]);
    // a later job starts from an empty buffer
    const c = await flow.execute('src', { job: 'C' });
    expect(seen.get(c.jobId)).toEqual([{ v: ['C1'] }, { v: ['C1', 'C2'] }]);
  });
});

describe('Flow.validate, findRoutinesByType, setExecutionStrategy, setErrorHandler', () => {
  it('validate() should return no issue for a sound flow', () => {
    const flow = new Flow();
    flow.addRoutine(relay(), 'src');
    flow.addRoutine(new FnRoutine({ in() {} }), 'dst');
    flow.connect('src', 'out', 'dst', 'in');
    const issues = flow.validate();
    // relay's own `in` slot is unconnected: one warning for it, nothing else
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'SLOT_NOT_CONNECTED', routineId: 'src' })]);
  });

  it('validate() should warn about unconnected slots, slots without handler and a missing entry', () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ a: () => undefined, b: {} }, ['out']), 'x');
    flow.addRoutine(new FnRoutine({}, ['out']), 'y');
    flow.connect('y', 'out', 'x', 'b');
    const issues = flow.validate();
    expect(issues.every((i) => i.severity === 'warning' && typeof i.message === 'string' && i.message.length > 0)).toBe(true);
    expect(issues.map((i) => `${i.code}:${i.routineId ?? ''}`).sort()).toEqual(['NO_ENTRY_ROUTINE:', 'SLOT_NOT_CONNECTED:x', 'SLOT_WITHOUT_HANDLER:x']);
  });

  it('findRoutinesByType should return [id, routine] pairs of a class and its subclasses', () => {
    class A extends RoutineBase {}
    class B extends A {}
    class C extends RoutineBase {}
    const flow = new Flow();
    const a = new A();
    const b = new B();
    flow.addRoutine(a, 'a');
    flow.addRoutine(new C(), 'c');
    flow.addRoutine(b, 'b');
    expect(flow.findRoutinesByType(A)).toEqual([
      ['a', a],
      ['b', b],
    ]);
    expect(flow.findRoutinesByType(B)).toEqual([['b', b]]);
    expect(flow.findRoutinesByType(class D extends RoutineBase {})).toEqual([]);
    expect(codeOf(() => flow.findRoutinesByType('A' as never))).toBe('INVALID_ARGUMENT');
  });

  it('setExecutionStrategy should switch modes and validate', () => {
    const flow = new Flow();
    flow.setExecutionStrategy('concurrent');
    expect([flow.executionStrategy, flow.maxWorkers]).toEqual(['concurrent', 5]);
    flow.setExecutionStrategy('concurrent', 9);
    expect(flow.maxWorkers).toBe(9);
    flow.setExecutionStrategy('sequential', 9);
    expect([flow.executionStrategy, flow.maxWorkers]).toEqual(['sequential', 1]);
    expect(codeOf(() => flow.setExecutionStrategy('parallel' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => flow.setExecutionStrategy('concurrent', 0))).toBe('INVALID_ARGUMENT');
    expect([flow.executionStrategy, flow.maxWorkers]).toEqual(['sequential', 1]);
  });

  it('setErrorHandler should accept an ErrorHandler or undefined', () => {
    const flow = new Flow();
    const h = new ErrorHandler({ strategy: 'continue' });
    flow.setErrorHandler(h);
    expect(flow.getErrorHandler()).toBe(h);
    flow.setErrorHandler(undefined);
    expect(flow.getErrorHandler()).toBeUndefined();
    expect(codeOf(() => flow.setErrorHandler('retry' as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('Flow.shutdown', () => {
  it('should be idempotent, refuse new jobs, drain running ones, then cancel what is left', async () => {
    const { ManualClock } = await import('../../helpers/manual-clock.js');
    const clock = new ManualClock();
    const quick = new Gate();
    const stuck = new Gate();
    const flow = new Flow({ clock, executionStrategy: 'concurrent' });
    flow.addRoutine(new FnRoutine({ trigger: (d) => (d['stuck'] === true ? stuck.wait() : quick.wait()) }), 'r');
    const a = flow.start('r', { stuck: false });
    const b = flow.start('r', { stuck: true });
    await quick.whenWaiting(1);
    await stuck.whenWaiting(1);
    const s1 = flow.shutdown({ drainTimeout: 100 });
    expect(flow.shutdown()).toBe(s1);
    expect(codeOf(() => flow.start('r'))).toBe('INVALID_STATE');
    await expect(flow.execute('r')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    quick.open();
    await JobState.waitForCompletion(flow, a);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('running');
    await clock.advance(100);
    await clock.runAll();
    await s1;
    expect(b.status).toBe('cancelled');
    stuck.open();
  });

  it('should resolve at once for an idle flow', async () => {
    await expect(new Flow().shutdown()).resolves.toBeUndefined();
  });
});
