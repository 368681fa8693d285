/**
 * 12 — observe: the live event stream, a breakpoint with a CEL condition, stepping, a
 * paused job moved to a "new process" (serialize → deserialize) with its breakpoints, and
 * the same job traced with OpenTelemetry (an in-memory exporter stands in for a real one).
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Flow, JobState, RoutineBase, type RoutiluxEvent } from 'routilux';
import { instrument } from 'routilux/otel';

/** Splits an order into its lines. */
class Split extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('line', ['sku', 'qty']);
    this.defineSlot<{ lines: { sku: string; qty: number }[] }>('trigger', (order) => {
      for (const line of order.lines) this.emit('line', line);
    });
  }
}

/** Prices one line; big quantities are what we want to look at before they run. */
class Price extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('priced', ['sku', 'total']);
    this.defineSlot<{ sku: string; qty: number }>('in', (line) => this.emit('priced', { sku: line.sku, total: line.qty * 2.5 }));
  }
}

/** Reports each priced line as an output. */
class Report extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ sku: string; total: number }>('in', (line) => this.sendOutput('priced', line));
  }
}

function build(): Flow {
  const flow = new Flow({ flowId: 'orders' });
  flow.addRoutine(new Split(), 'split');
  flow.addRoutine(new Price(), 'price');
  flow.addRoutine(new Report(), 'report');
  flow.connect('split', 'line', 'price', 'in');
  flow.connect('price', 'priced', 'report', 'in');
  return flow;
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

// 1. A process runs the job with a breakpoint before pricing a line of more than 10 units.
const flow = build();
const otel = instrument(flow, { tracerProvider });
const counts = new Map<string, number>();
const live = flow.events$.subscribe((e: RoutiluxEvent) => {
  counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  if (e.type === 'breakpoint.hit') console.log(`breakpoint ${e.breakpointId} hit before ${e.routineId}.${e.slot} (${e.taskId})`);
});
const order = { lines: [{ sku: 'tea', qty: 2 }, { sku: 'rice', qty: 40 }, { sku: 'salt', qty: 1 }] };
const job = await flow.execute('split', order, { breakpoints: [{ routineId: 'price', condition: 'data.qty > 10' }] });
console.log(`status: ${job.status} (${job.pausePoints.at(-1)?.reason}); next: ${JSON.stringify(job.pendingTasks[0]?.data)}`);

// step: exactly the activation the job stopped before; its emit waits as a pending task
const { taskId } = await flow.step(job);
console.log(`stepped ${taskId}; status: ${job.status}; pending: ${job.pendingTasks.map((p) => p.routineId).join(', ')}`);
live.unsubscribe();
otel.stop();
console.log(`events so far: ${[...counts].map(([type, n]) => `${type} ${n}`).join(', ')}`);

// 2. "Another process": the job from its document, breakpoints and trace context included.
const document = JSON.stringify(job.serialize());
const restored = JobState.deserialize(JSON.parse(document));
const again = build();
const otel2 = instrument(again, { tracerProvider });
console.log(`restored breakpoints: ${JSON.stringify(again.listBreakpoints(restored))}`);
await again.resume(restored);
otel2.stop();
console.log(`status: ${restored.status}; outputs: ${restored.outputLog.map((o) => JSON.stringify(o.data)).join(' ')}`);

const spans = exporter.getFinishedSpans();
const runs = spans.filter((s) => s.name === 'routilux.job');
const sameTrace = new Set(runs.map((s) => s.spanContext().traceId)).size === 1;
console.log(`spans: ${runs.length} job runs (${runs.map((s) => s.attributes['routilux.status']).join(' → ')}), ${spans.length - runs.length} activations, one trace: ${sameTrace}`);
