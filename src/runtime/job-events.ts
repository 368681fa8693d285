import { Observable, type Subscriber } from 'rxjs';
import type { JobStatus } from '../state/job-types.js';
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
  /** The task ids of the deliveries, in target order (each one's `activation.started` carries it). */
  readonly taskIds?: readonly string[];
  /** The emitting activation's task id; absent for a deferred event emitted on resume. */
  readonly taskId?: string;
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

/**
 * @internal A hot stream with a subscriber count, so emitters check one field before
 * building an event. Each event goes straight to the current subscribers (copy on write, so
 * one that unsubscribes while an event is delivered is safe); RxJS's subscriber wrapper
 * hands an error a subscriber throws to `config.onUnhandledError`, never to the job.
 */
export class EventHub {
  /** Current subscribers. */
  count = 0;
  private subscribers: readonly Subscriber<RoutiluxEvent>[] = [];
  readonly events$: Observable<RoutiluxEvent> = new Observable<RoutiluxEvent>((subscriber) => {
    this.subscribers = [...this.subscribers, subscriber];
    this.count++;
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      this.count--;
    };
  });

  next(event: RoutiluxEvent): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(event);
  }
}

/** @internal Builds and delivers the events of one job run; every call site first checks `on`. */
export class JobEvents {
  /** The Runtime's hub when the job runs on a Runtime. */
  runtime: EventHub | undefined;
  private last = 0;
  /**
   * Activations whose `activation.started` went out and whose `finished` has not: start time
   * (ms). The one started last is kept in `lastTask` instead (with its start and task id),
   * so a synchronous activation, which finishes before another starts, touches no map.
   */
  private open: Map<Task, number> | undefined;
  private lastTask: Task | undefined = undefined;
  private lastAt = 0;
  private lastTaskId = '';

  constructor(
    private readonly flowHub: EventHub,
    /** Wall-clock ms of the flow's clock now (inside a dispatch loop: the running activation's start). */
    private readonly now: () => number,
    private readonly jobId: string,
    private readonly flowId: string,
  ) {}

  /** True when someone listens. */
  get on(): boolean {
    return this.flowHub.count > 0 || (this.runtime !== undefined && this.runtime.count > 0);
  }

  /** The last `at` given out, by ms: events within one millisecond share the string (formatting a date costs more than the rest of an event). */
  private atMs = -1;
  private atIso = '';

  /** The ISO time of an event now: the flow's clock, never before the previous event of this job. */
  private at(): string {
    const now = Math.floor(this.now());
    const t = now > this.last ? now : this.last;
    this.last = t;
    if (t !== this.atMs) {
      this.atMs = t;
      this.atIso = new Date(t).toISOString();
    }
    return this.atIso;
  }

  private send(event: RoutiluxEvent): void {
    this.flowHub.next(event);
    this.runtime?.next(event);
  }

  jobStarted(): void {
    this.send({ type: 'job.started', jobId: this.jobId, flowId: this.flowId, at: this.at() });
  }

  status(status: JobStatus, error?: { code: string; message: string }): void {
    const event: { -readonly [K in keyof JobStatusEvent]: JobStatusEvent[K] } = { type: 'job.status', jobId: this.jobId, flowId: this.flowId, at: this.at(), status };
    if (error !== undefined) event.error = { code: error.code, message: error.message };
    this.send(event);
  }

  started(task: Task): void {
    const at = this.at();
    if (this.lastTask !== undefined) (this.open ??= new Map()).set(this.lastTask, this.lastAt); // still running: it waits in the map
    const taskId = task.taskId;
    this.lastTask = task;
    this.lastAt = this.last;
    this.lastTaskId = taskId;
    this.send({ type: 'activation.started', jobId: this.jobId, flowId: this.flowId, at, routineId: task.slot.node.id, slot: task.slot.name, taskId, attempt: task.attempt });
  }

  finished(task: Task, outcome: ActivationOutcome, error?: { code: string; message: string }): void {
    let startedAt: number | undefined;
    let taskId: string;
    if (task === this.lastTask) {
      startedAt = this.lastAt;
      taskId = this.lastTaskId;
      this.lastTask = undefined;
    } else {
      startedAt = this.open?.get(task);
      if (startedAt === undefined) return; // its start went unobserved, or it was already closed
      this.open!.delete(task);
      taskId = task.taskId;
    }
    const at = this.at();
    const event: { -readonly [K in keyof ActivationFinishedEvent]: ActivationFinishedEvent[K] } = {
      type: 'activation.finished',
      jobId: this.jobId,
      flowId: this.flowId,
      at,
      routineId: task.slot.node.id,
      slot: task.slot.name,
      taskId,
      attempt: task.attempt,
      durationMs: this.last - startedAt,
      outcome,
    };
    if (error !== undefined) event.error = { code: error.code, message: error.message };
    this.send(event);
  }

  emitted(routineId: string, event: string, taskIds: readonly string[], from: string | undefined): void {
    const at = this.at();
    this.send(
      from === undefined
        ? { type: 'event.emitted', jobId: this.jobId, flowId: this.flowId, at, routineId, event, targets: taskIds.length, taskIds }
        : { type: 'event.emitted', jobId: this.jobId, flowId: this.flowId, at, routineId, event, targets: taskIds.length, taskIds, taskId: from },
    );
  }

  output(routineId: string, outputType: string, data: unknown): void {
    this.send({ type: 'output', jobId: this.jobId, flowId: this.flowId, at: this.at(), routineId, outputType, data });
  }

  breakpointHit(breakpointId: string, task: Task): void {
    this.send({ type: 'breakpoint.hit', jobId: this.jobId, flowId: this.flowId, at: this.at(), breakpointId, routineId: task.slot.node.id, slot: task.slot.name, taskId: task.taskId });
  }

  /** The job ended: activations still open fail with its error code, then its final status goes out. */
  ended(status: JobStatus, error: { code: string; message: string } | undefined): void {
    if (this.lastTask !== undefined) this.finished(this.lastTask, 'failed', error);
    if (this.open !== undefined) {
      for (const task of [...this.open.keys()]) this.finished(task, 'failed', error);
      this.open.clear();
    }
    this.status(status, error);
  }
}
