import { SpanStatusCode } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorHandler, ErrorStrategy, Flow, FlowRegistry, JobState, RoutineBase, Runtime } from '../../src/index.js';
import { instrument, type Instrumentation } from '../../src/otel/index.js';

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function providers() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new Reader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return { exporter, tracerProvider, reader, meterProvider };
}

/** Points of one metric: attributes and value (sum for counters, count for histograms). */
function points(rm: ResourceMetrics, name: string): { attributes: Record<string, unknown>; value: unknown }[] {
  const out: { attributes: Record<string, unknown>; value: unknown }[] = [];
  for (const scope of rm.scopeMetrics) {
    for (const m of scope.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const p of m.dataPoints) out.push({ attributes: { ...p.attributes }, value: typeof p.value === 'number' ? p.value : (p.value as { count: number }).count });
    }
  }
  return out;
}

let running: Instrumentation[] = [];
afterEach(() => {
  for (const i of running) i.stop();
  running = [];
});

/** src → work; work fails once (RETRY), then waits for `gate` when given. */
function build(gate?: Promise<void>): Flow {
  class Src extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out', ['v']);
      this.defineSlot('trigger', () => this.emit('out', { v: 1 }));
    }
  }
  let calls = 0;
  class Work extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', async () => {
        calls++;
        if (calls === 1) throw new Error('first try fails');
        if (gate !== undefined) await gate;
      });
      this.setErrorHandler(new ErrorHandler({ strategy: ErrorStrategy.RETRY, maxRetries: 2, retryDelay: 1 }));
    }
  }
  const flow = new Flow({ flowId: 'traced' });
  flow.addRoutine(new Src(), 'src');
  flow.addRoutine(new Work(), 'work');
  flow.connect('src', 'out', 'work', 'in');
  return flow;
}

const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('routilux/otel', () => {
  it('a job span with its activation spans as children, the attributes of §9, ERROR for the attempt that threw', async () => {
    const p = providers();
    const flow = build();
    running.push(instrument(flow, p));
    const job = await flow.execute('src', {});
    expect(job.status).toBe('completed');
    const spans = p.exporter.getFinishedSpans();
    const [jobSpan] = byName(spans, 'routilux.job');
    expect(byName(spans, 'routilux.job')).toHaveLength(1);
    expect(jobSpan!.attributes).toEqual({ 'routilux.flow_id': 'traced', 'routilux.job_id': job.jobId, 'routilux.status': 'completed' });
    expect(jobSpan!.status.code).not.toBe(SpanStatusCode.ERROR);
    const acts = byName(spans, 'routilux.activation');
    expect(acts.map((s) => `${s.attributes['routilux.routine_id']}#${s.attributes['routilux.attempt']}`)).toEqual(['src#1', 'work#1', 'work#2']);
    for (const a of acts) {
      expect(a.spanContext().traceId).toBe(jobSpan!.spanContext().traceId);
      expect(parentOf(a)).toBe(jobSpan!.spanContext().spanId);
      expect(a.attributes).toMatchObject({ 'routilux.flow_id': 'traced', 'routilux.job_id': job.jobId, 'routilux.slot': expect.any(String), 'routilux.task_id': expect.stringMatching(/^t\d+$/) });
    }
    const failed = acts[1]!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(failed.events[0]!.attributes).toMatchObject({ 'exception.message': 'first try fails' });
    expect(acts[2]!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(job.traceContext?.['traceparent']).toBe(`00-${jobSpan!.spanContext().traceId}-${jobSpan!.spanContext().spanId}-01`);

    const { resourceMetrics } = await p.reader.collect();
    expect(points(resourceMetrics, 'routilux.activations').map((x) => [x.attributes['routilux.outcome'], x.attributes['routilux.routine_id'], x.value]).sort()).toEqual([
      ['completed', 'src', 1], ['completed', 'work', 1], ['retrying', 'work', 1],
    ]);
    expect(points(resourceMetrics, 'routilux.activation.duration').reduce((n, x) => n + (x.value as number), 0)).toBe(3);
    expect(points(resourceMetrics, 'routilux.jobs')).toEqual([{ attributes: { 'routilux.status': 'completed', 'routilux.flow_id': 'traced' }, value: 1 }]);
  });

  it('a failed job: its span has status ERROR; queue depth is observed per flow', async () => {
    const p = providers();
    class Boom extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', () => {
          throw new Error('boom');
        });
      }
    }
    const registry = new FlowRegistry();
    const flow = new Flow({ flowId: 'boom' });
    flow.addRoutine(new Boom(), 'boom');
    registry.registerByName('boom', flow);
    const runtime = new Runtime({ registry });
    running.push(instrument(runtime, p));
    try {
      const job = runtime.exec('boom', {});
      await runtime.waitUntilAllJobsFinished();
      expect(job.status).toBe('failed');
      const [jobSpan] = byName(p.exporter.getFinishedSpans(), 'routilux.job');
      expect(jobSpan!.status).toMatchObject({ code: SpanStatusCode.ERROR });
      expect(jobSpan!.attributes['routilux.status']).toBe('failed');
      const { resourceMetrics } = await p.reader.collect();
      expect(points(resourceMetrics, 'routilux.jobs')).toEqual([{ attributes: { 'routilux.status': 'failed', 'routilux.flow_id': 'boom' }, value: 1 }]);
    } finally {
      await runtime.shutdown();
    }
  });

  it('observes the queue depth of running jobs per flow', async () => {
    const p = providers();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    class Fan extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineSlot('trigger', () => {
          for (let i = 0; i < 5; i++) this.emit('out', {});
        });
      }
    }
    class Wait extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', () => gate);
      }
    }
    const flow = new Flow({ flowId: 'queued', executionStrategy: 'sequential' });
    flow.addRoutine(new Fan(), 'fan');
    flow.addRoutine(new Wait(), 'wait');
    flow.connect('fan', 'out', 'wait', 'in');
    running.push(instrument(flow, p));
    const job = flow.start('fan', {});
    await new Promise((r) => setTimeout(r, 5));
    const { resourceMetrics } = await p.reader.collect();
    expect(points(resourceMetrics, 'routilux.queue.depth')).toEqual([{ attributes: { 'routilux.flow_id': 'queued' }, value: 4 }]);
    open();
    await flow.resume(job);
  });

  it('a resumed job — in another process too — starts a new job span in the same trace, linked to the previous one', async () => {
    const p = providers();
    let open!: () => void;
    const first = build(new Promise<void>((r) => (open = r)));
    running.push(instrument(first, p));
    const job = first.start('src', {});
    await new Promise((r) => setTimeout(r, 20)); // work#1 failed, work#2 waits on the gate
    const paused = first.pause(job, 'move');
    open();
    await paused;
    const [run1] = byName(p.exporter.getFinishedSpans(), 'routilux.job');
    expect(run1!.attributes['routilux.status']).toBe('paused');
    // another process: a new flow, new providers, the job from its document
    const q = providers();
    const second = build(Promise.resolve());
    running.push(instrument(second, q));
    const restored = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    await second.resume(restored);
    expect(restored.status).toBe('completed');
    const [run2] = byName(q.exporter.getFinishedSpans(), 'routilux.job');
    expect(run2!.spanContext().traceId).toBe(run1!.spanContext().traceId);
    expect(run2!.links.map((l) => l.context.spanId)).toEqual([run1!.spanContext().spanId]);
    expect(run2!.attributes['routilux.status']).toBe('completed');
  });

  it('links each activation to the span of the activation whose emit delivered it, across processes too', async () => {
    const p = providers();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out', ['v']);
        this.defineSlot('trigger', () => {
          this.emit('out', { v: 1 });
          this.emit('out', { v: 2 });
        });
      }
    }
    class Mid extends RoutineBase {
      constructor(private readonly wait: Promise<void>) {
        super();
        this.defineEvent('out', ['v']);
        this.defineSlot('in', async (d: { v: number }) => {
          await this.wait;
          this.emit('out', { v: d.v * 10 });
        });
      }
    }
    class End extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', () => undefined);
      }
    }
    const make = (wait: Promise<void>): Flow => {
      const flow = new Flow({ flowId: 'linked', maxWorkers: 1 });
      flow.addRoutine(new Src(), 'src');
      flow.addRoutine(new Mid(wait), 'mid');
      flow.addRoutine(new End(), 'end');
      flow.connect('src', 'out', 'mid', 'in');
      flow.connect('mid', 'out', 'end', 'in');
      return flow;
    };
    const first = make(gate);
    running.push(instrument(first, p));
    const job = first.start('src', {});
    await new Promise((r) => setTimeout(r, 5)); // mid(1) waits on the gate
    const paused = first.pause(job);
    open();
    await paused; // mid(1) emitted to end while the job was paused: end(10) is pending, mid(2) too
    const spans1 = p.exporter.getFinishedSpans();
    const act = (spans: readonly ReadableSpan[], routine: string) => byName(spans, 'routilux.activation').filter((s) => s.attributes['routilux.routine_id'] === routine);
    const src = act(spans1, 'src')[0]!;
    const mid1 = act(spans1, 'mid')[0]!;
    expect(mid1.links.map((l) => l.context.spanId)).toEqual([src.spanContext().spanId]);
    expect(Object.keys(job.traceContext!).sort()).toEqual([...job.pendingTasks.map((t) => t.taskId), 'traceparent'].sort());

    const q = providers();
    const second = make(Promise.resolve());
    running.push(instrument(second, q));
    const restored = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    await second.resume(restored);
    expect(restored.status).toBe('completed');
    const spans2 = q.exporter.getFinishedSpans();
    const ends = act(spans2, 'end');
    const mid2 = act(spans2, 'mid')[0]!;
    expect(mid2.links.map((l) => l.context.spanId)).toEqual([src.spanContext().spanId]); // delivered in the first process
    const byTask = new Map(ends.map((s) => [String(s.attributes['routilux.task_id']), s]));
    expect(ends).toHaveLength(2);
    const linkOf = (s: ReadableSpan) => s.links.map((l) => l.context.spanId);
    expect([...byTask.values()].map(linkOf).sort()).toEqual([[mid1.spanContext().spanId], [mid2.spanContext().spanId]].sort());
    for (const s of [...ends, mid2]) expect(s.spanContext().traceId).toBe(src.spanContext().traceId);
  });

  it('stop() is synchronous and idempotent; another target → INVALID_ARGUMENT', async () => {
    const p = providers();
    const flow = build();
    const otel = instrument(flow, p);
    otel.stop();
    otel.stop();
    await flow.execute('src', {});
    expect(p.exporter.getFinishedSpans()).toEqual([]);
    expect(() => instrument({} as never, p)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
