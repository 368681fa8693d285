import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, Flow, FlowRegistry, JobState, Runtime, isRoutiluxError, type RoutiluxError } from '../../src/index.js';
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

function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) v = { v };
  return v;
}

function sinkFlow(options: ConstructorParameters<typeof Flow>[0] = {}): Flow {
  const flow = new Flow(options);
  flow.addRoutine(collector([]), 'sink');
  return flow;
}

describe('limits (services.md §1)', () => {
  it('has the documented defaults and validates the option', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxPayloadBytes: 1_048_576, maxPayloadDepth: 64, maxActivationsPerJob: 1_000_000 });
    expect(new Flow().limits).toEqual(DEFAULT_LIMITS);
    expect(new Flow({ limits: { maxPayloadDepth: 3 } }).limits.maxPayloadDepth).toBe(3);
    for (const bad of [{ maxPayloadByte: 1 }, { maxPayloadBytes: 0 }, { maxPayloadDepth: 1.5 }, { maxActivationsPerJob: -1 }, { maxPayloadBytes: '10' }]) {
      expect(codeOf(() => new Flow({ limits: bad as never }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => new Runtime({ limits: bad as never }))).toBe('INVALID_ARGUMENT');
    }
  });

  it('refuses a 10 MB entry payload and a million-element array with PAYLOAD_TOO_LARGE', async () => {
    const flow = sinkFlow();
    const big = errorOf(() => flow.start('sink', { blob: 'x'.repeat(10 * 1024 * 1024) }));
    expect(big?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big?.details).toMatchObject({ limit: 1_048_576, path: '' });
    expect(big?.details['actual']).toBeGreaterThan(10 * 1024 * 1024);
    await expect(flow.execute('sink', { items: new Array<number>(1_000_000).fill(1) })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // UTF-8 bytes, not characters: 400,000 three-byte characters are over 1 MiB.
    expect(codeOf(() => flow.start('sink', { s: '€'.repeat(400_000) }))).toBe('PAYLOAD_TOO_LARGE');
    expect(codeOf(() => flow.start('sink', { s: 'e'.repeat(400_000) }))).toBeUndefined();
  });

  it('refuses nesting past the depth limit without a RangeError, even 100,000 levels deep', () => {
    const flow = sinkFlow();
    expect(codeOf(() => flow.start('sink', nested(64)))).toBeUndefined();
    const over = errorOf(() => flow.start('sink', nested(65)));
    expect(over?.code).toBe('DEPTH_EXCEEDED');
    expect(over?.details['limit']).toBe(64);
    expect(String(over?.details['path'])).toMatch(/^(\/v){64}$/);
    expect(codeOf(() => flow.start('sink', nested(100_000)))).toBe('DEPTH_EXCEEDED');
    const arrays: unknown[] = [];
    let cur = arrays;
    for (let i = 0; i < 100_000; i++) cur.push((cur = []));
    expect(codeOf(() => flow.start('sink', { arrays }))).toBe('DEPTH_EXCEEDED');
  });

  it("a Runtime's limits replace the flow's, key by key", async () => {
    const flow = sinkFlow({ limits: { maxPayloadDepth: 2, maxPayloadBytes: 100 } });
    const registry = new FlowRegistry();
    registry.registerByName('f', flow);
    expect(codeOf(() => flow.start('sink', nested(3)))).toBe('DEPTH_EXCEEDED');
    const runtime = new Runtime({ registry, limits: { maxPayloadDepth: 5 } });
    expect(codeOf(() => runtime.exec('f', { entryParams: nested(3) }))).toBeUndefined();
    expect(codeOf(() => runtime.exec('f', { entryParams: nested(6) }))).toBe('DEPTH_EXCEEDED');
    expect(codeOf(() => runtime.post('f', 'sink', 'in', { s: 'x'.repeat(200) }))).toBe('PAYLOAD_TOO_LARGE');
    await runtime.waitUntilAllJobsFinished();
    await runtime.shutdown();
  });

  it('inside a handler, an oversized sendOutput or shared value fails the activation through the error strategy', async () => {
    const flow = new Flow({ limits: { maxPayloadBytes: 50 } });
    flow.addRoutine(new FnRoutine({ trigger() { this.sendOutput('o', { s: 'x'.repeat(100) }); } }), 'out');
    flow.addRoutine(new FnRoutine({ trigger(_d, ctx) { ctx.jobState.updateSharedData('k', { s: 'x'.repeat(100) }); } }), 'shared');
    flow.addRoutine(new FnRoutine({ trigger() { this.emitDeferredEvent('later', { s: 'x'.repeat(100) }); } }, ['later']), 'deferred');
    for (const id of ['out', 'shared', 'deferred']) {
      const job = await flow.execute(id, {});
      expect(job.status, id).toBe('failed');
      expect(job.error?.code, id).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  it('serialize() refuses an emitted payload over the limits or with a cycle, naming the path; the process lives', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    for (const [payload, code, path] of [
      [{ cyclic }, 'INVALID_FORMAT', /^\/(executionHistory\/\d+|pendingTasks\/0)\/data\/cyclic\/self$/],
      [nested(80), 'DEPTH_EXCEEDED', undefined],
      [{ s: 'x'.repeat(2_000_000) }, 'PAYLOAD_TOO_LARGE', /^\/(executionHistory\/\d+|pendingTasks\/0)\/data$/],
    ] as const) {
      const flow = new Flow();
      flow.addRoutine(new FnRoutine({ trigger(_d, ctx) { this.emit('out', payload); void flow.pause(ctx.jobState); } }, ['out']), 'src');
      flow.addRoutine(collector([]), 'sink');
      flow.connect('src', 'out', 'sink', 'in');
      const job = await flow.execute('src', {});
      expect(job.status).toBe('paused');
      const err = errorOf(() => job.serialize());
      expect(err?.code).toBe(code);
      expect(String(err?.details['path'])).toMatch(path ?? /^\/(executionHistory\/\d+|pendingTasks\/0)\/data(\/v)+$/);
      await flow.cancel(job);
    }
  });

  it('a job restored from a document gets the limits of the flow that resumes it', async () => {
    const flow = new Flow({ flowId: 'lim', limits: { maxPayloadBytes: 40 } });
    flow.addRoutine(new FnRoutine({ trigger(_d, ctx) { void flow.pause(ctx.jobState); this.emit('out', {}); } }, ['out']), 'src');
    flow.addRoutine(new FnRoutine({ in(_d, ctx) { ctx.jobState.updateSharedData('k', 'x'.repeat(100)); } }), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    const job = await flow.execute('src', {});
    const restored = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    const done = await flow.resume(restored);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('validate() and cycles', () => {
  function graph(edges: [string, string][], ids = ['a', 'b', 'c', 'd']): Flow {
    const flow = new Flow();
    for (const id of ids) flow.addRoutine(new FnRoutine({ trigger() {}, in() {} }, ['out']), id);
    for (const [from, to] of edges) flow.connect(from, 'out', to, 'in');
    return flow;
  }
  const cycles = (flow: Flow) => flow.validate().filter((i) => i.code === 'CYCLE');

  it('gives one CYCLE warning per strongly connected component, self-loops included', () => {
    const found = cycles(graph([['a', 'b'], ['b', 'c'], ['c', 'b'], ['c', 'a'], ['d', 'd']]));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ severity: 'warning', code: 'CYCLE', routineId: 'a', details: { routineIds: ['a', 'b', 'c'] } });
    expect(found[1]).toMatchObject({ severity: 'warning', code: 'CYCLE', routineId: 'd', details: { routineIds: ['d'] } });
  });

  it('a diamond, a chain and an empty flow have none', () => {
    expect(cycles(graph([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]))).toEqual([]);
    expect(cycles(graph([['a', 'b'], ['b', 'c']]))).toEqual([]);
    expect(cycles(new Flow())).toEqual([]);
  });

  it('a 3,000-routine ring is one component (no recursion)', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `r${i}`);
    const flow = graph(ids.map((id, i) => [id, ids[(i + 1) % ids.length]!] as [string, string]), ids);
    const found = cycles(flow);
    expect(found).toHaveLength(1);
    expect((found[0]!.details!['routineIds'] as string[]).length).toBe(3000);
  });
});
