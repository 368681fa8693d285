import { describe, expect, it } from 'vitest';
import { Flow, FunctionRegistry, RoutineRegistry, isRoutiluxError, type JobState, type RoutineBase } from '../../src/index.js';
import { Aggregator, Batcher, ConditionalRouter, Debouncer, RetryHandler, Splitter, computeBackoff } from '../../src/builtins/index.js';
import { ManualClock, Sink, Source, pipe, received, run } from './helpers.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('ConditionalRouter', () => {
  const routes = [{ name: 'urgent', when: 'data.priority >= 8' }, { name: 'json', when: 'data.format == "json"' }];

  it('should emit on the first matching route, or unmatched with condition errors', async () => {
    const job = await run(new ConditionalRouter({ routes }), [{ priority: 9, format: 'json' }, { priority: 1, format: 'json' }, { format: 'text' }], ['urgent', 'json', 'unmatched']);
    expect(received(job, 'urgent')).toEqual([{ data: { priority: 9, format: 'json' }, route: 'urgent' }]);
    expect(received(job, 'json')).toEqual([{ data: { priority: 1, format: 'json' }, route: 'json' }]);
    const [unmatched] = received(job, 'unmatched');
    expect(unmatched).toMatchObject({ data: { format: 'text' }, route: null });
    expect((unmatched!['errors'] as { route: string }[]).map((e) => e.route)).toEqual(['urgent']);
  });

  it('should emit on every matching route in all mode and use the default route', async () => {
    const job = await run(new ConditionalRouter({ routes, mode: 'all', defaultRoute: 'other' }), [{ priority: 9, format: 'json' }, { priority: 0, format: 'x' }], ['urgent', 'json', 'other']);
    expect(received(job, 'urgent')).toHaveLength(1);
    expect(received(job, 'json')).toHaveLength(1);
    expect(received(job, 'other')).toEqual([{ data: { priority: 0, format: 'x' }, route: 'other', errors: [] }]);
  });

  it('should recreate its route events from configuration alone (as deserialization does)', async () => {
    const original = new ConditionalRouter({ routes, defaultRoute: 'other' });
    const Registered = RoutineRegistry.get('routilux.ConditionalRouter') as unknown as new () => RoutineBase;
    const restored = new Registered();
    restored.setConfig(JSON.parse(JSON.stringify(original.config)) as Record<string, unknown>);
    expect([...restored.events.keys()].sort()).toEqual(['json', 'other', 'unmatched', 'urgent']);
    const job = await run(restored, [{ priority: 10 }], ['urgent']);
    expect(received(job, 'urgent')).toHaveLength(1);
  });

  it('should reject duplicate or reserved route names', () => {
    for (const bad of [[...routes, routes[0]!], [{ name: 'unmatched', when: 'true' }]]) {
      let code: string | undefined;
      try {
        new ConditionalRouter({ routes: bad });
      } catch (e) {
        code = isRoutiluxError(e) ? e.code : undefined;
      }
      expect(code).toBe('INVALID_CONFIG');
    }
  });
});

describe('Splitter', () => {
  it('should emit one item per element, then done; empty when nothing to split', async () => {
    const job = await run(new Splitter({ maxItems: 2 }), [{ items: ['a', 'b', 'c'] }, { items: [] }], ['item', 'done', 'empty']);
    expect(received(job, 'item')).toEqual([{ data: 'a', index: 0, count: 2 }, { data: 'b', index: 1, count: 2 }]);
    expect(received(job, 'done')).toEqual([{ count: 2, truncated: true }]);
    expect(received(job, 'empty')).toEqual([{ data: { items: [] } }]);
  });

  it('should split objects into entries and strings by a separator', async () => {
    const job = await run(new Splitter({ field: 'doc', stringSeparator: '\n' }), [{ doc: 'l1\nl2' }], ['item']);
    expect(received(job, 'item').map((i) => i['data'])).toEqual(['l1', 'l2']);
    const entries = await run(new Splitter({ field: 'm' }), [{ m: { a: 1 } }], ['item']);
    expect(received(entries, 'item')[0]!['data']).toEqual({ key: 'a', value: 1 });
  });
});

function concurrent(clock: ManualClock): { executionStrategy: 'concurrent'; maxWorkers: number; clock: ManualClock; executionTimeout: number } {
  return { executionStrategy: 'concurrent', maxWorkers: 4, clock, executionTimeout: Infinity };
}

function track(p: Promise<JobState>): { done: () => boolean } {
  let finished = false;
  void p.then(() => (finished = true));
  return { done: () => finished };
}

describe('Batcher', () => {
  it('should emit full batches by size and flush the rest on its timer before the job completes', async () => {
    const clock = new ManualClock();
    const flow = pipe(new Batcher({ batchSize: 2, timeout: 1000 }), ['batch'], concurrent(clock));
    const p = flow.execute('source', { payloads: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }] });
    const status = track(p);
    await clock.whenTimers(1);
    await flush();
    expect(status.done()).toBe(false);
    clock.advance(1000);
    const job = await p;
    expect(job.status).toBe('completed');
    expect(received(job, 'batch').map((b) => [b['count'], b['reason'], b['batchNumber']])).toEqual([[2, 'size', 1], [2, 'size', 2], [1, 'timeout', 3]]);
    expect(clock.pending).toBe(0);
  });

  it('should flush at once on the flush slot (Splitter done → Batcher flush)', async () => {
    const clock = new ManualClock();
    const flow = new Flow(concurrent(clock));
    flow.addRoutine(new Source(), 'source');
    flow.addRoutine(new Splitter(), 'split');
    flow.addRoutine(new Batcher({ batchSize: 10 }), 'batch');
    flow.addRoutine(new Sink(['batch']), 'sink');
    flow.connect('source', 'out', 'split', 'input');
    flow.connect('split', 'item', 'batch', 'input');
    flow.connect('split', 'done', 'batch', 'flush');
    flow.connect('batch', 'batch', 'sink', 'batch');
    const job = await flow.execute('source', { payloads: [{ items: ['a', 'b', 'c'] }] });
    expect(received(job, 'batch')).toEqual([{ data: ['a', 'b', 'c'], count: 3, batchNumber: 1, reason: 'flush' }]);
    expect(clock.pending).toBe(0);
  });

  it('should keep batches per job and clear its timer when the job is cancelled', async () => {
    const clock = new ManualClock();
    const flow = pipe(new Batcher({ batchSize: 3 }), ['batch'], concurrent(clock));
    const a = flow.start('source', { payloads: [{ n: 1 }, { n: 2 }] });
    const b = flow.start('source', { payloads: [{ n: 3 }] });
    await clock.whenTimers(2);
    await flow.cancel(b, 'test');
    expect(b.status).toBe('cancelled');
    expect(clock.pending).toBe(1);
    clock.advance(1000);
    await settled(flow, a);
    expect(received(a, 'batch')).toEqual([{ data: [{ n: 1 }, { n: 2 }], count: 2, batchNumber: 1, reason: 'timeout' }]);
    expect(received(b, 'batch')).toEqual([]);
  });
});

/** Resolves when a running job settles (resume of a running job returns its completion). */
async function settled(flow: Flow, job: JobState): Promise<void> {
  await flow.resume(job).catch(() => undefined);
}

describe('Aggregator', () => {
  function aggFlow(agg: Aggregator, slots: string[], clock: ManualClock): Flow {
    const flow = new Flow(concurrent(clock));
    flow.addRoutine(new Source(), 'source');
    flow.addRoutine(agg, 'agg');
    flow.addRoutine(new Sink(['aggregated', 'timeout']), 'sink');
    for (const s of slots) flow.connect('source', 'out', 'agg', s);
    flow.connect('agg', 'aggregated', 'sink', 'aggregated');
    flow.connect('agg', 'timeout', 'sink', 'timeout');
    return flow;
  }

  it('should emit once every source has data', async () => {
    const flow = aggFlow(new Aggregator({ sources: ['a', 'b'] }), ['a', 'b'], new ManualClock());
    const job = await flow.execute('source', { payloads: [{ v: 1 }] });
    expect(received(job, 'aggregated')).toEqual([{ data: { a: { v: 1 }, b: { v: 1 } }, sources: ['a', 'b'] }]);
  });

  it('should emit n-of-m and collect every payload when asked', async () => {
    const flow = aggFlow(new Aggregator({ sources: ['a', 'b', 'c'], mode: 'count', count: 2, collect: 'all' }), ['a', 'b'], new ManualClock());
    const job = await flow.execute('source', { payloads: [{ v: 1 }] });
    expect(received(job, 'aggregated')).toEqual([{ data: { a: [{ v: 1 }], b: [{ v: 1 }] }, sources: ['a', 'b'] }]);
  });

  it('should emit a partial result with the missing sources on timeout', async () => {
    const clock = new ManualClock();
    const flow = aggFlow(new Aggregator({ sources: ['a', 'b'], timeout: 500 }), ['a'], clock);
    const p = flow.execute('source', { payloads: [{ v: 1 }] });
    await clock.whenTimers(1);
    clock.advance(500);
    const job = await p;
    expect(received(job, 'timeout')).toEqual([{ data: { a: { v: 1 } }, sources: ['a'], missing: ['b'] }]);
    expect(received(job, 'aggregated')).toEqual([]);
  });
});

describe('Debouncer', () => {
  it('should emit the last payload of a burst once it is quiet (trailing), with the leading edge when asked', async () => {
    const clock = new ManualClock();
    const flow = pipe(new Debouncer({ wait: 300, leading: true }), ['leading', 'debounced'], concurrent(clock));
    const p = flow.execute('source', { payloads: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    await clock.whenTimers(1);
    await flush();
    clock.advance(300);
    const job = await p;
    expect(received(job, 'leading')).toEqual([{ data: { n: 1 } }]);
    expect(received(job, 'debounced')).toEqual([{ data: { n: 3 }, count: 3 }]);
    expect(clock.pending).toBe(0);
  });

  it('should emit only the leading edge without a timer when trailing is off', async () => {
    const job = await run(new Debouncer({ wait: 300, leading: true, trailing: false }), [{ n: 1 }, { n: 2 }], ['leading', 'debounced']);
    expect(received(job, 'leading')).toEqual([{ data: { n: 1 } }]);
    expect(received(job, 'debounced')).toEqual([]);
  });

  it('should refuse a configuration that can emit nothing', () => {
    let code: string | undefined;
    try {
      new Debouncer({ leading: false, trailing: false });
    } catch (e) {
      code = isRoutiluxError(e) ? e.code : undefined;
    }
    expect(code).toBe('INVALID_CONFIG');
  });
});

describe('RetryHandler', () => {
  it('should compute capped fixed, linear, exponential and jittered delays', () => {
    const o = { baseDelay: 100, maxDelay: 350 };
    expect([1, 2, 3, 4].map((n) => computeBackoff(n, { ...o, backoff: 'fixed' }))).toEqual([100, 100, 100, 100]);
    expect([1, 2, 3, 4].map((n) => computeBackoff(n, { ...o, backoff: 'linear' }))).toEqual([100, 200, 300, 350]);
    expect([1, 2, 3, 4].map((n) => computeBackoff(n, { ...o, backoff: 'exponential' }))).toEqual([100, 200, 350, 350]);
    expect(computeBackoff(3, { ...o, backoff: 'exponential_jitter' }, () => 0.5)).toBe(175);
  });

  it('should retry on the flow clock and report success with the attempt count', async () => {
    const attempts = new Map<string, number>();
    FunctionRegistry.register('test.flaky', (data: Record<string, unknown>) => {
      const n = (attempts.get(String(data['id'])) ?? 0) + 1;
      attempts.set(String(data['id']), n);
      if (n < 3) throw new Error(`fail ${n}`);
      return { ok: n };
    }, { override: true });
    const clock = new ManualClock();
    const flow = pipe(new RetryHandler({ operation: 'test.flaky', backoff: 'linear', baseDelay: 100 }), ['success', 'retry', 'exhausted'], { clock, executionTimeout: Infinity });
    const p = flow.execute('source', { payloads: [{ id: 'x' }] });
    await clock.whenTimers(1);
    clock.advance(100);
    await clock.whenTimers(1);
    clock.advance(200);
    const job = await p;
    expect(received(job, 'retry').map((r) => [r['attempt'], r['delay'], r['error']])).toEqual([[1, 100, 'fail 1'], [2, 200, 'fail 2']]);
    expect(received(job, 'success')).toEqual([{ data: { ok: 3 }, input: { id: 'x' }, attempts: 3 }]);
  });

  it('should report exhaustion, and stop at once for a non-retryable error', async () => {
    FunctionRegistry.register('test.alwaysFails', () => { throw new Error('nope'); }, { override: true });
    FunctionRegistry.register('test.neverRetry', () => false, { override: true });
    const job = await run(new RetryHandler({ operation: 'test.alwaysFails', retryOn: 'test.neverRetry', maxAttempts: 5 }), [{ id: 1 }], ['exhausted', 'retry']);
    expect(received(job, 'exhausted')).toEqual([{ data: { id: 1 }, attempts: 1, errors: ['nope'] }]);
    expect(received(job, 'retry')).toEqual([]);
    let code: string | undefined;
    try {
      new RetryHandler({ maxAttempts: 2 });
    } catch (e) {
      code = isRoutiluxError(e) ? e.code : undefined;
    }
    expect(code).toBe('INVALID_CONFIG');
  });
});

describe('timers in sequential flows (no worker is held while a timer is due)', () => {
  const sequential = (clock: ManualClock): { executionStrategy: 'sequential'; clock: ManualClock; executionTimeout: number } => ({ executionStrategy: 'sequential', clock, executionTimeout: Infinity });

  it('Batcher collects every item of a sequential job before its timeout flush', async () => {
    const clock = new ManualClock();
    const flow = pipe(new Batcher({ batchSize: 10, timeout: 1000 }), ['batch'], sequential(clock));
    const p = flow.execute('source', { payloads: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    const status = track(p);
    await clock.whenTimers(1);
    await flush();
    expect(status.done()).toBe(false); // the due flush keeps the job running
    clock.advance(1000);
    const job = await p;
    expect(job.status).toBe('completed');
    expect(received(job, 'batch').map((b) => [b['count'], b['reason']])).toEqual([[3, 'timeout']]);
  });

  it('Debouncer merges a burst delivered by one sequential job into one trailing event', async () => {
    const clock = new ManualClock();
    const flow = pipe(new Debouncer({ wait: 300 }), ['debounced'], sequential(clock));
    const p = flow.execute('source', { payloads: [{ v: 1 }, { v: 2 }, { v: 3 }] });
    await clock.whenTimers(1);
    await flush();
    clock.advance(300);
    const job = await p;
    expect(job.status).toBe('completed');
    expect(received(job, 'debounced').map((d) => [d['count'], (d['data'] as { v: number }).v])).toEqual([[3, 3]]);
  });
});
