// routilux/otel: OpenTelemetry spans and metrics from a Runtime's or a Flow's event stream
// (services.md §9). `@opentelemetry/api` is an optional peer dependency: install it (and an
// SDK of your choice) to use this entry.
export { instrument } from './instrument.js';
export type { InstrumentOptions, InstrumentTarget, Instrumentation, RoutiluxEventSource } from './instrument.js';
