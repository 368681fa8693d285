import type { Attributes, Counter, Histogram, Meter, ObservableGauge, ObservableResult } from '@opentelemetry/api';

/** @internal the four instruments of services.md §9. */
export class RoutiluxMetrics {
  private readonly activations: Counter;
  private readonly duration: Histogram;
  private readonly jobs: Counter;
  private readonly depth: ObservableGauge;
  private readonly observe: (result: ObservableResult) => void;

  constructor(meter: Meter, queueDepths: () => ReadonlyMap<string, number>) {
    this.activations = meter.createCounter('routilux.activations', { description: 'Activations ended, by outcome' });
    this.duration = meter.createHistogram('routilux.activation.duration', { description: 'Duration of one activation attempt', unit: 'ms' });
    this.jobs = meter.createCounter('routilux.jobs', { description: 'Jobs that reached a final status, by status' });
    this.depth = meter.createObservableGauge('routilux.queue.depth', { description: 'Activations queued, per flow' });
    this.observe = (result) => {
      for (const [flowId, depth] of queueDepths()) result.observe(depth, { 'routilux.flow_id': flowId });
    };
    this.depth.addCallback(this.observe);
  }

  activationEnded(outcome: string, durationMs: number, attributes: Attributes): void {
    this.activations.add(1, { ...attributes, 'routilux.outcome': outcome });
    this.duration.record(durationMs, attributes);
  }

  jobEnded(status: string, flowId: string): void {
    this.jobs.add(1, { 'routilux.status': status, 'routilux.flow_id': flowId });
  }

  stop(): void {
    this.depth.removeCallback(this.observe);
  }
}
