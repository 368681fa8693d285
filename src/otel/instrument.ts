import { metrics, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link, type MeterProvider, type Span, type SpanContext, type TracerProvider } from '@opentelemetry/api';
import { ErrorCode, Flow, InvalidArgumentError, JobState, Runtime, type RoutiluxEvent } from '../index.js';
import { RoutiluxMetrics } from './metrics.js';
import { fromCarrier, toCarrier } from './trace-context.js';

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Where spans go. @default the global tracer provider of `@opentelemetry/api` */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider of `@opentelemetry/api` */
  meterProvider?: MeterProvider;
}

/** A running instrumentation; `stop()` ends it (synchronous, idempotent). */
export interface Instrumentation {
  stop(): void;
}

/** A stream of engine events (an RxJS Observable or Subscribable has this shape). */
export interface RoutiluxEventSource {
  subscribe(observer: { next: (event: RoutiluxEvent) => void }): { unsubscribe(): void };
}

/**
 * What `instrument` can observe: a Runtime, a Flow, or a runtime of the same shape such as a
 * `DistributedRuntime` (`events$` and `getJob`). A `getJob` that answers with a promise (the
 * job lives in a worker) gives no JobState to carry the trace context on: instrument the
 * workers' runtimes for that.
 */
export type InstrumentTarget = Runtime | Flow | { readonly events$: RoutiluxEventSource; getJob(jobId: string): JobState | undefined | Promise<JobState | undefined> };

const NAME = 'routilux';
const ERROR_OUTCOMES: ReadonlySet<string> = new Set(['failed', 'retrying', 'continued', 'skipped']);

interface JobTrace {
  readonly flowId: string;
  /** The span of the job's current run; undefined between runs (paused). */
  span: Span | undefined;
  /** Task id → the span context of the activation whose emit delivered it (for the links of §9). */
  readonly causes: Map<string, SpanContext>;
}

/** Most delivery causes kept per job (the oldest go first). */
const MAX_CAUSES = 10_000;

function lookupOf(target: unknown): ((jobId: string) => JobState | undefined) | undefined {
  if (target instanceof Flow) return (jobId) => target._liveJob(jobId);
  if (target instanceof Runtime) return (jobId) => target.getJob(jobId);
  const t = target as { events$?: { subscribe?: unknown }; getJob?: unknown } | null;
  if (typeof t === 'object' && t !== null && typeof t.events$?.subscribe === 'function' && typeof t.getJob === 'function') {
    const getJob = t.getJob as (id: string) => unknown;
    return (jobId) => {
      const state = getJob.call(t, jobId);
      return state instanceof JobState ? state : undefined; // a promise (a remote job) has nothing to carry the context on
    };
  }
  return undefined;
}

/**
 * Traces and measures the jobs of `target` from its event stream (services.md §9): one
 * `routilux.job` span per run of a job (ended at a pause; a resume starts a new one in the
 * same trace, linked to the previous, even in another process since the context rides on
 * the job), one `routilux.activation` span per attempt as its child, and the metrics
 * `routilux.activations`, `routilux.activation.duration`, `routilux.queue.depth` and
 * `routilux.jobs`. Anything but a Runtime or Flow → `INVALID_ARGUMENT`.
 *
 * @example
 * const otel = instrument(runtime, { tracerProvider });
 * // … later
 * otel.stop();
 */
export function instrument(target: InstrumentTarget, options: InstrumentOptions = {}): Instrumentation {
  const lookup = lookupOf(target);
  if (lookup === undefined) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'instrument(target) needs a Runtime or a Flow (or a runtime with events$ and getJob).');
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'instrument(target, options): options must be an object such as { tracerProvider }.');
  }
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(NAME);
  const jobs = new Map<string, JobTrace>();
  /** Open activation spans by job id and task id (one attempt of a task runs at a time). */
  const activations = new Map<string, Span>();
  const key = (jobId: string, taskId: string): string => `${jobId}\u0000${taskId}`;

  /** The job's trace context as it rides on the job: the run's span, and the cause of each pending task. */
  const writeCarrier = (jobId: string, job: JobTrace, runSpan: SpanContext | undefined): void => {
    const state = lookup(jobId);
    if (state === undefined) return;
    const carrier: Record<string, string> = { ...(runSpan !== undefined ? toCarrier(runSpan) : fromState(state)) };
    for (const p of state.pendingTasks) {
      const cause = job.causes.get(p.taskId);
      if (cause !== undefined) carrier[p.taskId] = toCarrier(cause)['traceparent']!;
    }
    state.setTraceContext(carrier);
  };
  const fromState = (state: JobState): Record<string, string> => {
    const tp = state.traceContext?.['traceparent'];
    return tp === undefined ? {} : { traceparent: tp };
  };
  const meter = new RoutiluxMetrics((options.meterProvider ?? metrics.getMeterProvider()).getMeter(NAME), () => {
    const depths = new Map<string, number>();
    for (const [jobId, job] of jobs) {
      if (job.span === undefined) continue;
      const queued = lookup(jobId)?.liveRun?.progress().queueSize ?? 0;
      depths.set(job.flowId, (depths.get(job.flowId) ?? 0) + queued);
    }
    return depths;
  });

  const base = (e: RoutiluxEvent): Record<string, string> => ({ 'routilux.flow_id': e.flowId, 'routilux.job_id': e.jobId });

  const startRun = (e: RoutiluxEvent): JobTrace => {
    let job = jobs.get(e.jobId);
    if (job === undefined) {
      job = { flowId: e.flowId, span: undefined, causes: new Map() };
      jobs.set(e.jobId, job);
    }
    if (job.span !== undefined) return job;
    const state = lookup(e.jobId);
    const carried = state?.traceContext;
    const previous = fromCarrier(carried);
    // causes of pending tasks carried by the job (it may come from another process)
    for (const [taskId, traceparent] of Object.entries(carried ?? {})) {
      if (taskId === 'traceparent' || job.causes.has(taskId)) continue;
      const cause = fromCarrier({ traceparent });
      if (cause !== undefined) job.causes.set(taskId, cause);
    }
    const links: Link[] = previous === undefined ? [] : [{ context: previous }];
    const parent = previous === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, previous);
    const span = tracer.startSpan('routilux.job', { kind: SpanKind.INTERNAL, startTime: new Date(e.at), links, attributes: { ...base(e), 'routilux.status': 'running' } }, parent);
    job.span = span;
    if (trace.isSpanContextValid(span.spanContext())) state?.setTraceContext(toCarrier(span.spanContext())); // a no-op tracer has nothing to carry
    return job;
  };

  const endRun = (e: Extract<RoutiluxEvent, { type: 'job.status' }>): void => {
    const job = jobs.get(e.jobId);
    const span = job?.span;
    if (span === undefined) return;
    span.setAttribute('routilux.status', e.status);
    if (e.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: e.error?.message ?? 'failed' });
    span.end(new Date(e.at));
    job!.span = undefined;
  };

  const onEvent = (e: RoutiluxEvent): void => {
    switch (e.type) {
      case 'job.started':
        startRun(e);
        return;
      case 'job.status':
        if (e.status === 'running') startRun(e);
        else if (e.status === 'paused') {
          const job = jobs.get(e.jobId);
          const run = job?.span?.spanContext();
          endRun(e);
          if (job !== undefined && run !== undefined && trace.isSpanContextValid(run)) writeCarrier(e.jobId, job, run);
        }
        else if (e.status === 'completed' || e.status === 'failed' || e.status === 'cancelled') {
          endRun(e);
          jobs.delete(e.jobId);
          meter.jobEnded(e.status, e.flowId);
        }
        return;
      case 'activation.started': {
        const job = startRun(e); // a stream joined mid-run starts its job span here
        const parent = trace.setSpan(ROOT_CONTEXT, job.span!);
        const cause = job.causes.get(e.taskId);
        const span = tracer.startSpan('routilux.activation', {
          kind: SpanKind.INTERNAL,
          startTime: new Date(e.at),
          links: cause === undefined ? [] : [{ context: cause }],
          attributes: { ...base(e), 'routilux.routine_id': e.routineId, 'routilux.slot': e.slot, 'routilux.task_id': e.taskId, 'routilux.attempt': e.attempt },
        }, parent);
        activations.set(key(e.jobId, e.taskId), span);
        return;
      }
      case 'event.emitted': {
        const job = jobs.get(e.jobId);
        const from = e.taskId === undefined ? undefined : activations.get(key(e.jobId, e.taskId))?.spanContext();
        if (job === undefined || from === undefined || e.taskIds === undefined) return;
        for (const id of e.taskIds) job.causes.set(id, from);
        while (job.causes.size > MAX_CAUSES) job.causes.delete(job.causes.keys().next().value as string);
        if (job.span === undefined && trace.isSpanContextValid(from)) writeCarrier(e.jobId, job, undefined); // emitted while paused: its deliveries are pending now
        return;
      }
      case 'activation.finished': {
        const k = key(e.jobId, e.taskId);
        const span = activations.get(k);
        meter.activationEnded(e.outcome, e.durationMs, { 'routilux.flow_id': e.flowId, 'routilux.routine_id': e.routineId });
        if (e.outcome !== 'retrying') jobs.get(e.jobId)?.causes.delete(e.taskId);
        if (span === undefined) return;
        activations.delete(k);
        span.setAttribute('routilux.outcome', e.outcome);
        if (ERROR_OUTCOMES.has(e.outcome) && e.error !== undefined) {
          span.recordException({ name: e.error.code, message: e.error.message }, new Date(e.at));
          span.setStatus({ code: SpanStatusCode.ERROR, message: e.error.message });
        }
        span.end(new Date(e.at));
        return;
      }
      default:
        return;
    }
  };

  const subscription = (target.events$ as RoutiluxEventSource).subscribe({ next: onEvent });
  let stopped = false;
  return {
    stop(): void {
      if (stopped) return;
      stopped = true;
      subscription.unsubscribe();
      meter.stop();
    },
  };
}
