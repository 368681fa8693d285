import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, RoutiluxError } from '../errors/routilux-error.js';
import { cloneJson } from '../config/json-value.js';
import type { ScheduleHost } from './schedule-host.js';
import { MISFIRE_GRACE_MS, type CheckedSchedule, type ScheduleCatchUp, type ScheduleOverlap } from './schedule-options.js';

/** Longest single timer the scheduler sets; a later instant is reached by waking and re-arming. */
const MAX_TIMER_MS = 6 * 60 * 60 * 1000;
/** Missed instants counted at most per wake-up (a 1 s period after a week of downtime). */
const MAX_COUNTED_MISSES = 10_000;

/** Status of a schedule. */
export type ScheduleStatus = 'active' | 'paused' | 'removed';

/** A read-only snapshot of a schedule, e.g. for listing. Times are epoch ms. */
export interface ScheduleInfo {
  readonly id: string;
  readonly flowName: string;
  readonly cron: string | undefined;
  readonly everyMs: number | undefined;
  readonly timezone: string | undefined;
  readonly overlap: ScheduleOverlap;
  readonly catchUp: ScheduleCatchUp;
  readonly status: ScheduleStatus;
  /** The next instant it will fire at; undefined when paused, removed or the pattern has no future instant. */
  readonly nextRunAt: number | undefined;
  /** When it last started a job. */
  readonly lastRunAt: number | undefined;
  /** The id of the last job it started. */
  readonly lastJobId: string | undefined;
  /** Jobs started. */
  readonly runs: number;
  /** Ticks not run because of `overlap: 'skip'` (or a full queue). */
  readonly skipped: number;
  /** Instants missed (late wake-up or downtime) and not run (`catchUp` ran at most one for them). */
  readonly missed: number;
  /** Ticks waiting for the running job (`overlap: 'queue'`). */
  readonly queued: number;
  /** Jobs it started that still run. */
  readonly running: number;
  /** The last error a start failed with (e.g. the flow was unregistered); the schedule goes on. */
  readonly lastError: { readonly code: string; readonly message: string } | undefined;
}

/**
 * One schedule of a runtime: fires jobs of a flow at the instants of a cron pattern or a
 * period, computed and timed on the runtime's Clock. Returned by `runtime.schedule` and
 * listed by `runtime.schedules()`. See docs/schedules.md.
 */
export class Schedule {
  private _status: ScheduleStatus = 'active';
  private timer: unknown;
  /** Instants up to here were handled (run, skipped, queued or missed). */
  private cursor: number;
  /** The instant the armed timer is for. */
  private next: number | undefined;
  /** Origin of the `everyMs` grid. */
  private readonly anchor: number;
  private readonly inFlight = new Set<string>();
  private _runs = 0;
  private _skipped = 0;
  private _missed = 0;
  private _queued = 0;
  private _lastRunAt: number | undefined;
  private _lastJobId: string | undefined;
  private _lastError: { code: string; message: string } | undefined;

  /** @internal made by `Schedules.add`. */
  constructor(
    readonly id: string,
    readonly flowName: string,
    private readonly spec: CheckedSchedule,
    private readonly host: ScheduleHost,
    private readonly onRemoved: (schedule: Schedule) => void,
  ) {
    const now = host.clock.now();
    this.anchor = now;
    this.cursor = spec.lastRunAt !== undefined && spec.lastRunAt < now ? spec.lastRunAt : now;
    this.arm();
  }

  /** `'active'`, `'paused'` or `'removed'`. */
  get status(): ScheduleStatus {
    return this._status;
  }

  /** The next instant this schedule fires at (epoch ms), if active and there is one. */
  get nextRunAt(): number | undefined {
    return this._status === 'active' ? this.next : undefined;
  }

  /** A snapshot of this schedule. */
  info(): ScheduleInfo {
    return Object.freeze({
      id: this.id,
      flowName: this.flowName,
      cron: this.spec.cron,
      everyMs: this.spec.everyMs,
      timezone: this.spec.timezone,
      overlap: this.spec.overlap,
      catchUp: this.spec.catchUp,
      status: this._status,
      nextRunAt: this.nextRunAt,
      lastRunAt: this._lastRunAt,
      lastJobId: this._lastJobId,
      runs: this._runs,
      skipped: this._skipped,
      missed: this._missed,
      queued: this._queued,
      running: this.inFlight.size,
      lastError: this._lastError,
    });
  }

  /** The next `count` instants after `from` (default: now), without changing anything. */
  upcoming(count: number, from: number = this.host.clock.now()): number[] {
    const out: number[] = [];
    let t = from;
    for (let i = 0; i < count; i++) {
      const n = this.after(t);
      if (n === undefined) break;
      out.push(n);
      t = n;
    }
    return out;
  }

  /** Stops firing; instants while paused are neither run nor counted as missed. Idempotent. Removed → `INVALID_STATE`. */
  pause(): void {
    this.assertNotRemoved('pause');
    if (this._status === 'paused') return;
    this._status = 'paused';
    this.disarm();
  }

  /** Fires again from now on (and starts a queued tick if none of its jobs runs). Idempotent. Removed → `INVALID_STATE`. */
  resume(): void {
    this.assertNotRemoved('resume');
    if (this._status === 'active') return;
    this._status = 'active';
    this.cursor = this.host.clock.now();
    this.arm();
    this.drainQueue();
  }

  /** Stops firing for good and forgets queued ticks; jobs already started go on. Idempotent. */
  remove(): void {
    if (this._status === 'removed') return;
    this._status = 'removed';
    this._queued = 0;
    this.disarm();
    this.onRemoved(this);
  }

  private assertNotRemoved(what: string): void {
    if (this._status === 'removed') {
      throw new ExecutionError(ErrorCode.INVALID_STATE, `Cannot ${what} schedule "${this.id}": it was removed; create a new one with runtime.schedule.`, { details: { scheduleId: this.id } });
    }
  }

  /** The first instant strictly after `t`. */
  private after(t: number): number | undefined {
    const every = this.spec.everyMs;
    if (every !== undefined) return this.anchor + (Math.floor((t - this.anchor) / every) + 1) * every;
    return this.spec.nextCron!(t);
  }

  private arm(): void {
    this.disarm();
    if (this._status !== 'active') return;
    this.next = this.after(this.cursor);
    if (this.next === undefined) return;
    const delay = Math.min(Math.max(0, this.next - this.host.clock.now()), MAX_TIMER_MS);
    this.timer = this.host.clock.setTimeout(() => this.wake(), delay);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.next = undefined;
  }

  private wake(): void {
    this.timer = undefined;
    if (this._status !== 'active' || this.next === undefined) return;
    const now = this.host.clock.now();
    if (now < this.next) {
      this.arm(); // a capped timer: not there yet
      return;
    }
    // Every instant in (cursor, now] is due; the latest is the tick, the others were missed.
    let latest = this.next;
    let due = 1;
    for (let n = this.after(latest); n !== undefined && n <= now && due < MAX_COUNTED_MISSES; n = this.after(latest)) {
      latest = n;
      due++;
    }
    const onTime = now - latest <= MISFIRE_GRACE_MS;
    const run = onTime || this.spec.catchUp === 'one';
    this._missed += due - (run ? 1 : 0);
    this.cursor = due >= MAX_COUNTED_MISSES ? now : latest;
    if (run) this.tick();
    this.arm();
  }

  /** One instant to run, under the overlap rule. */
  private tick(): void {
    if (this.inFlight.size === 0 || this.spec.overlap === 'allow') {
      this.start();
    } else if (this.spec.overlap === 'queue' && this._queued < this.spec.maxQueued) {
      this._queued++;
    } else {
      this._skipped++;
    }
  }

  private start(): void {
    const entryParams = cloneJson({ ...this.spec.entryParams });
    let job;
    try {
      job = this.host.startJob(this.flowName, { entryParams, ...(this.spec.entryRoutineId === undefined ? {} : { entryRoutineId: this.spec.entryRoutineId }) });
    } catch (error) {
      this._lastError = error instanceof RoutiluxError ? { code: error.code, message: error.message } : { code: ErrorCode.INTERNAL_ERROR, message: error instanceof Error ? error.message : String(error) };
      return;
    }
    this._runs++;
    this._lastRunAt = this.host.clock.now();
    this._lastJobId = job.jobId;
    this._lastError = undefined;
    this.inFlight.add(job.jobId);
    const done = (): void => {
      this.inFlight.delete(job.jobId);
      this.drainQueue();
    };
    job.settled.then(done, done);
  }

  private drainQueue(): void {
    if (this._status !== 'active' || this._queued === 0 || this.inFlight.size > 0) return;
    this._queued--;
    this.start();
  }
}
