import { TraceFlags, type SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** @internal a span context as the W3C `traceparent` carrier a job keeps (`jobState.traceContext`). */
export function toCarrier(ctx: SpanContext): Record<string, string> {
  return { traceparent: `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}` };
}

/** @internal the span context of a carrier written by `toCarrier` (or any W3C traceparent), else undefined. */
export function fromCarrier(carrier: Readonly<Record<string, string>> | undefined): SpanContext | undefined {
  const m = carrier === undefined ? null : TRACEPARENT.exec(carrier['traceparent'] ?? '');
  if (m === null) return undefined;
  if (/^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
}
