import { describe, expect, it } from 'vitest';
import { Flow, FunctionRegistry, type RoutineBase } from '../../src/index.js';
import {
  Aggregator, Batcher, ConditionalRouter, DataFlattener, DataTransformer, DataValidator, Filter, Mapper, ResultExtractor, RetryHandler,
  SchemaValidator, Splitter, TextClipper, TextRenderer, TimeProvider,
  type ConditionalRouterRoute, type FilterPassed, type MapperOutput,
} from '../../src/builtins/index.js';
import { ManualClock, Sink, Source, received } from './helpers.js';

/** source → a → b → … → sink(<last event>); every hop connects `event` of one to `input` of the next. */
function chain(steps: readonly (readonly [RoutineBase, string])[], sinkSlots: readonly string[] = ['out'], clock?: ManualClock): Flow {
  const flow = new Flow(clock === undefined ? {} : { clock });
  flow.addRoutine(new Source(), 'source');
  let previous: [string, string] = ['source', 'out'];
  steps.forEach(([routine, event], i) => {
    flow.addRoutine(routine, `s${i}`);
    flow.connect(previous[0], previous[1], `s${i}`, 'input');
    previous = [`s${i}`, event];
  });
  flow.addRoutine(new Sink(sinkSlots), 'sink');
  flow.connect(previous[0], previous[1], 'sink', sinkSlots[0]!);
  return flow;
}

describe('built-ins compose (one payload convention: the value passed on is `data`)', () => {
  it('Filter → ConditionalRouter → Mapper: conditions and paths see the original object at every hop', async () => {
    const flow = chain([
      [new Filter({ condition: 'data.score >= 0.5' }), 'passed'],
      [new ConditionalRouter({ routes: [{ name: 'high', when: 'data.score >= 0.9' }], defaultRoute: 'low' }), 'high'],
      [new Mapper({ mappings: { who: 'user.name', score: 'score' } }), 'output'],
    ]);
    const job = await flow.execute('source', { payloads: [{ score: 0.95, user: { name: 'Ada' } }, { score: 0.6, user: { name: 'Bo' } }, { score: 0.1, user: { name: 'Cy' } }] });
    expect(job.status).toBe('completed');
    const out = received(job, 'out') as unknown as MapperOutput[];
    expect(out.map((o) => o.data)).toEqual([{ who: 'Ada', score: 0.95 }]);
  });

  it('chains of the same pass-through built-in do not nest (no data.data.data)', async () => {
    const flow = chain([
      [new Filter({ condition: 'data.n > 0' }), 'passed'],
      [new Filter({ condition: 'data.n > 1' }), 'passed'],
      [new ConditionalRouter({ routes: [{ name: 'r', when: 'data.n == 2' }] }), 'r'],
      [new ConditionalRouter({ routes: [{ name: 'r', when: 'data.n == 2' }] }), 'r'],
    ]);
    const job = await flow.execute('source', { payloads: [{ n: 2 }] });
    const [routed] = received(job, 'out') as unknown as ConditionalRouterRoute[];
    expect(routed).toEqual({ data: { n: 2 }, route: 'r' });
  });

  it('Mapper → Filter → DataValidator → DataTransformer → DataFlattener', async () => {
    const flow = chain([
      [new Mapper({ mappings: { name: 'user.name', age: 'user.age' } }), 'output'],
      [new Filter({ condition: 'data.age >= 18' }), 'passed'],
      [new DataValidator({ requiredFields: ['name'], rules: { age: 'is_int' } }), 'valid'],
      [new DataTransformer({ transformations: ['uppercase'] }), 'output'],
      [new DataFlattener(), 'output'],
    ]);
    const job = await flow.execute('source', { payloads: [{ user: { name: 'ada', age: 36 } }, { user: { name: 'kid', age: 9 } }] });
    expect(received(job, 'out').map((o) => o['data'])).toEqual([{ name: 'ADA', age: 36 }]);
  });

  it('TextClipper → ResultExtractor → SchemaValidator → Filter, and TextRenderer → TextClipper', async () => {
    const flow = chain([
      [new TextClipper({ maxLength: 500 }), 'output'],
      [new ResultExtractor({ extractors: ['json_string'] }), 'output'],
      [new SchemaValidator({ schema: { type: 'object', required: ['kind'] } }), 'valid'],
      [new Filter({ condition: 'data.kind == "bug"' }), 'passed'],
    ]);
    const job = await flow.execute('source', { payloads: [{ text: '{"kind": "bug", "n": 1}' }, { text: '{"kind": "idea"}' }] });
    expect((received(job, 'out') as unknown as FilterPassed[]).map((p) => p.data)).toEqual([{ kind: 'bug', n: 1 }]);

    const render = chain([
      [new TextRenderer({ format: 'markdown' }), 'output'],
      [new TextClipper({ maxLength: 100 }), 'output'],
    ]);
    const rendered = await render.execute('source', { payloads: [{ data: { name: 'x' } }] });
    expect(received(rendered, 'out')[0]).toMatchObject({ data: '**name**: x', wasClipped: false });
  });

  it('Splitter → Filter → Batcher → Mapper', async () => {
    const clock = new ManualClock();
    const flow = new Flow({ clock });
    flow.addRoutine(new Source(), 'source');
    flow.addRoutine(new Splitter({ field: 'orders' }), 'split');
    flow.addRoutine(new Filter({ condition: 'data.qty > 0' }), 'nonzero');
    flow.addRoutine(new Batcher({ batchSize: 2 }), 'batch');
    flow.addRoutine(new Mapper({ mappings: { id: 'id' } }), 'map');
    flow.addRoutine(new Sink(['out']), 'sink');
    flow.connect('source', 'out', 'split', 'input');
    flow.connect('split', 'item', 'nonzero', 'input');
    flow.connect('nonzero', 'passed', 'batch', 'input');
    flow.connect('batch', 'batch', 'map', 'input');
    flow.connect('map', 'output', 'sink', 'out');
    const job = await flow.execute('source', { payloads: [{ orders: [{ id: 1, qty: 1 }, { id: 2, qty: 0 }, { id: 3, qty: 5 }] }] });
    expect(job.status).toBe('completed');
    // A Batcher's `data` is the list of items (Splitter's `data` values); Mapper maps a list element by element.
    expect(received(job, 'out').map((o) => o['data'])).toEqual([[{ id: 1 }, { id: 3 }]]);
  });

  it('Aggregator joins the values of other built-ins, and RetryHandler / TimeProvider pass their result on as data', async () => {
    FunctionRegistry.register('test.composition.total', (data: Record<string, unknown>) => ({ total: Number(data['a']) + Number(data['b']) }));
    const flow = new Flow();
    flow.addRoutine(new Source(), 'source');
    flow.addRoutine(new Mapper({ mappings: { a: 'x' } }), 'ma');
    flow.addRoutine(new Mapper({ mappings: { b: 'y' } }), 'mb');
    flow.addRoutine(new Aggregator({ sources: ['left', 'right'] }), 'join');
    flow.addRoutine(new Mapper({ mappings: { a: 'left.a', b: 'right.b' } }), 'merge');
    flow.addRoutine(new RetryHandler({ operation: 'test.composition.total', maxAttempts: 1 }), 'sum');
    flow.addRoutine(new Filter({ condition: 'data.total == 5' }), 'check');
    flow.addRoutine(new TimeProvider({ format: 'timestamp' }), 'time');
    flow.addRoutine(new Sink(['out', 'time']), 'sink');
    flow.connect('source', 'out', 'ma', 'input');
    flow.connect('source', 'out', 'mb', 'input');
    flow.connect('ma', 'output', 'join', 'left');
    flow.connect('mb', 'output', 'join', 'right');
    flow.connect('join', 'aggregated', 'merge', 'input');
    flow.connect('merge', 'output', 'sum', 'input');
    flow.connect('sum', 'success', 'check', 'input');
    flow.connect('check', 'passed', 'sink', 'out');
    flow.connect('check', 'passed', 'time', 'input');
    flow.connect('time', 'output', 'sink', 'time');
    const job = await flow.execute('source', { payloads: [{ x: 2, y: 3 }] });
    expect(job.status).toBe('completed');
    expect(received(job, 'out')).toEqual([{ data: { total: 5 } }]);
    expect(typeof received(job, 'time')[0]!['data']).toBe('string');
  });
});
