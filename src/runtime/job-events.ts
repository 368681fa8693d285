import { Observable, Subject } from 'rxjs';
import type { JobStatus } from '../state/job-types.js';
import type { Clock } from './clock.js';
import type { Task } from './task.js';

/** Fields every RoutiluxEvent carries. */
export interface RoutiluxEventBase {
  /** The job the event belongs to. */
  readonly jobId: string;
  /** The flow of that job. */
  readonly flowId: string;
  /** ISO time from the flow's clock; never decreasing within a job. */
  readonly at: string;
}

/** A job ran for the first time. */
export interface JobStartedEvent extends RoutiluxEventBase {
  readonly type: 'job.started';
}

/** A later status change of a job; the last event of a job is its final one. */
export interface JobStatusEvent extends RoutiluxEventBase {
  readonly type: 'job.status';
  readonly status: JobStatus;
  readonly error?: { readonly code: string; readonly message: string };
}

/** An activation (one attempt) started. `slot` is `''` for a logic activation. */
export interface ActivationStartedEvent extends RoutiluxEventBase {
  readonly type: 'activation.started';
  readonly routineId: string;
  readonly slot: string;
  readonly taskId: string;
  readonly attempt: number;
}

/** How an activation ended. */
export type ActivationOutcome = 'completed' | 'failed' | 'retrying' | 'continued' | 'skipped';

/** An activation ended (a late activation gets none). */
export interface ActivationFinishedEvent extends RoutiluxEventBase {
  readonly type: 'activation.finished';
  readonly routineId: string;
  readonly slot: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly durationMs: number;
  readonly outcome: ActivationOutcome;
  readonly error?: { readonly code: string; readonly message: string };
}

/** A routine emitted an event to `targets` deliveries. */
export interface EventEmittedEvent extends RoutiluxEventBase {
  readonly type: 'event.emitted';
  readonly routineId: string;
  readonly event: string;
  readonly targets: number;
}

/** A routine sent an output with `sendOutput`. */
export interface OutputEvent extends RoutiluxEventBase {
  readonly type: 'output';
  readonly routineId: string;
  readonly outputType: string;
  readonly data: unknown;
}

/** A job paused at a breakpoint before an activation. */
export interface BreakpointHitEvent extends RoutiluxEventBase {
  readonly type: 'breakpoint.hit';
  readonly breakpointId: string;
  readonly routineId: string;
  readonly slot: string;
  readonly taskId: string;
}

/** Everything `flow.events$` and `runtime.events$` deliver; `switch (e.type)` narrows. */
export type RoutiluxEvent =
  | JobStartedEvent
  | JobStatusEvent
  | ActivationStartedEvent
  | ActivationFinishedEvent
  | EventEmittedEvent
  | OutputEvent
  | BreakpointHitEvent;

/** @internal A hot stream with a subscriber count, so emitters check one field before building an event. */
export class EventHub {
  /** Current subscribers. */
  count = 0;
  private readonly subject = new Subject<RoutiluxEvent>();
  readonly events$: Observable<RoutiluxEvent> = new Observable<RoutiluxEvent>((subscriber) => {
    this.count++;
    const inner = this.subject.subscribe(subscriber);
    return () => {
      this.count--;
      inner.unsubscribe();
    };
  });

  next(event: RoutiluxEvent): void {
    this.subject.next(event);
  }
}

/** @internal Builds and delivers the events of one job run; every call site first checks `on`. */
export class JobEvents {
  /** The Runtime's hub when the job runs on a Runtime. */
  runtime: EventHub | undefined;
  private last = 0;
  /** Activations whose `activation.started` went out and whose `finished` has not: start time (ms). */
  private readonly open = new Map<Task, number>();

  constructor(
    private readonly flowHub: EventHub,
    private readonly clock: Clock,
    private readonly jobId: string,
    private readonly flowId: string,
  ) {}

  /** True when someone listens. */
  get on(): boolean {
    return this.flowHub.count > 0 || (this.runtime !== undefined && this.runtime.count > 0);
  }

  private now(): number {
    const t = Math.max(this.clock.now(), this.last);
    this.last = t;
    return t;
  }

  private send(event: RoutiluxEvent): void {
    this.flowHub.next(event);
    this.runtime?.next(event);
  }

  private base(): RoutiluxEventBase {
    return { jobId: this.jobId, flowId: this.flowId, at: new Date(this.now()).toISOString() };
  }

  jobStarted(): void {
    this.send({ type: 'job.started', ...this.base() });
  }

  status(status: JobStatus, error?: { code: string; message: string }): void {
    this.send({ type: 'job.status', ...this.base(), status, ...(error !== undefined ? { error: { code: error.code, message: error.message } } : {}) });
  }

  started(task: Task): void {
    const base = this.base();
    this.open.set(task, this.last);
    this.send({ type: 'activation.started', ...base, routineId: task.slot.node.id, slot: task.slot.name, taskId: task.taskId, attempt: task.attempt });
  }

  finished(task: Task, outcome: ActivationOutcome, error?: { code: string; message: string }): void {
    const startedAt = this.open.get(task);
    if (startedAt === undefined) return; // its start went unobserved, or it was already closed
    this.open.delete(task);
    const base = this.base();
    this.send({
      type: 'activation.finished',
      ...base,
      routineId: task.slot.node.id,
      slot: task.slot.name,
      taskId: task.taskId,
      attempt: task.attempt,
      durationMs: this.last - startedAt,
      outcome,
      ...(error !== undefined ? { error: { code: error.code, message: error.message } } : {}),
    });
  }

  emitted(routineId: string, event: string, targets: number): void {
    this.send({ type: 'event.emitted', ...this.base(), routineId, event, targets });
  }

  output(routineId: string, outputType: string, data: unknown): void {
    this.send({ type: 'output', ...this.base(), routineId, outputType, data });
  }

  breakpointHit(breakpointId: string, task: Task): void {
    this.send({ type: 'breakpoint.hit', ...this.base(), breakpointId, routineId: task.slot.node.id, slot: task.slot.name, taskId: task.taskId });
  }

  /** The job ended: activations still open fail with its error code, then its final status goes out. */
  ended(status: JobStatus, error: { code: string; message: string } | undefined): void {
    for (const task of [...this.open.keys()]) this.finished(task, 'failed', error);
    this.open.clear();
    this.status(status, error);
  }
}
