// Uses 'routilux/otel' with the OpenTelemetry API (optional peer) and an SDK's in-memory exporter.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Flow, RoutineBase } from 'routilux';
import { instrument } from 'routilux/otel';

class Hello extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => undefined);
  }
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const flow = new Flow();
flow.addRoutine(new Hello(), 'hello');
const otel = instrument(flow, { tracerProvider });
const job = await flow.execute('hello', {});
otel.stop();
const names = exporter.getFinishedSpans().map((s) => s.name).sort();
if (job.status !== 'completed' || names.join(',') !== 'routilux.activation,routilux.job') throw new Error(`unexpected: ${job.status} ${names.join(',')}`);
if (job.traceContext?.['traceparent'] === undefined) throw new Error('the job carries no trace context');
console.log('OK ./otel', names.join(','));
