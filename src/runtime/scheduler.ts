import { Subject, mergeMap, Observable, type Subscription, type Subscriber } from 'rxjs';
import { systemClock, type Clock } from './clock.js';
import { beginDispatch, endDispatch, outsideContext } from './context-store.js';
import type { RoutineStats } from '../state/execution-tracker.js';
import type { Lane } from './lane.js';
import type { PlanSlot } from './flow-plan.js';
import type { ActivationSession, FanOutRest, Task } from './task.js';

/**
 * @internal The fair task queue and its workers.
 *
 * Tasks wait in per-job FIFO lanes; lanes with runnable work form a round-robin ring, so
 * every job with queued work gets one dispatch per round. A lane leaves the ring while its
 * job runs as many activations as its cap allows (`maxWorkers`; 1 for a sequential job)
 * and comes back when one of them ends. RxJS bounds the workers across all lanes:
 * `mergeMap(session, concurrency)` runs at most `concurrency` sessions, and a session
 * is one worker that takes tasks one at a time. A synchronous task runs inline in the
 * session's loop (no promise, no microtask per task); an asynchronous one keeps its
 * session — its worker slot — until it settles, and other sessions pick up the rest.
 * Sessions are requested from a microtask, never from inside a running handler, so code
 * after `emit()` always runs before the downstream handler starts.
 */
export class Scheduler {
  private ringHead: Lane | null = null;
  private ringTail: Lane | null = null;
  private queuedCount = 0;
  private workers = 0;
  private activeCount = 0;
  private looping = false;
  private kickScheduled = false;
  /** Sessions waiting out a yielded time slice. */
  private yielded = 0;
  /**
   * Sessions that ran out of work. They keep their place (and worker slot) in `mergeMap` and
   * are woken by the next kick, so a burst of work does not create and tear down an RxJS inner
   * subscription per worker every time the queue runs dry.
   */
  private readonly parked: Session[] = [];
  private closed = false;
  private readonly requests = new Subject<void>();
  private readonly subscription: Subscription;
  // Dispatch starts outside any activation's async context, so a context can never carry
  // over from the code that happened to trigger the kick into unrelated handlers.
  private readonly spawnCallback = (): void => outsideContext(this.spawnNow);
  private readonly spawnNow = (): void => this.spawn();

  /**
   * Monotonic time at the start of the activation being dispatched now. Task runners read
   * it instead of the clock and move it forward when an activation ends, so a run of
   * synchronous activations costs one clock read each.
   */
  tick = 0;

  // Activation timing. Each synchronous activation's duration is the time from the end of
  // the previous one to its own end. When activations are tiny (under 2 µs on average) a
  // clock read per activation would cost more than the activation itself, so up to 16
  // consecutive ones are timed as a group and share its average; as soon as a group's
  // average is 2 µs or more, every activation is timed on its own again.
  /** Routines with activations not yet counted and timed, linked through `nextUntimed`. */
  private untimedHead: RoutineStats | null = null;
  private grouped = 0;
  private groupLimit = 1;

  constructor(
    readonly concurrency: number,
    /** Measures activation durations and time slices. */
    readonly clock: Clock = systemClock,
  ) {
    this.subscription = this.requests.pipe(mergeMap(() => new Observable<never>((sub) => this.drain(new Session(this, sub))), concurrency)).subscribe();
  }

  /** Tasks waiting in lanes. */
  get queued(): number {
    return this.queuedCount;
  }

  /** Activations running now (synchronous or awaiting). */
  get active(): number {
    return this.activeCount;
  }

  /** True while a session runs its synchronous loop (so `tick` is the current activation's start). */
  get inLoop(): boolean {
    return this.looping;
  }

  /**
   * Records a successful synchronous activation; it is counted and timed with its group (see
   * the note on grouping above): the routine joins the list of routines with untimed
   * activations, and the group's closing clock read counts them and gives each the average.
   */
  recordSync(stats: RoutineStats): void {
    if (stats.untimed++ === 0) {
      stats.nextUntimed = this.untimedHead;
      this.untimedHead = stats;
    }
    if (++this.grouped >= this.groupLimit) this.flushTiming();
  }

  /** Closes the open timing group: one clock read, shared by its activations. */
  private flushTiming(): void {
    const n = this.grouped;
    if (n === 0) return;
    const end = this.clock.monotonic();
    const each = (end - this.tick) / n;
    for (let s = this.untimedHead; s !== null; ) {
      s.timeUntimed(each);
      const next: RoutineStats | null = s.nextUntimed;
      s.nextUntimed = null;
      s = next;
    }
    this.untimedHead = null;
    this.grouped = 0;
    this.tick = end;
    this.groupLimit = each < FAST_ACTIVATION_MS ? MAX_GROUP : 1;
  }

  /** Appends one delivery to its job's lane; never runs anything synchronously. */
  enqueue(lane: Lane, slot: PlanSlot, data: Record<string, unknown>, seq: number, bits: number): void {
    lane.push(slot, data, seq, bits);
    this.queuedCount++;
    if (!lane.inRing && lane.active < lane.cap) this.link(lane);
    if (!this.looping) this.kick();
  }

  /** Appends a fan-out (one entry for all its targets) to its job's lane. */
  enqueueFan(lane: Lane, fan: FanOutRest): void {
    lane.pushFan(fan);
    this.queuedCount += fan.targets.length - fan.index;
    if (!lane.inRing && lane.active < lane.cap) this.link(lane);
    if (!this.looping) this.kick();
  }

  private link(lane: Lane): void {
    lane.inRing = true;
    if (this.ringTail === null) this.ringHead = lane;
    else this.ringTail.nextLane = lane;
    this.ringTail = lane;
  }

  /** An activation of `lane`'s job ended: the lane may run again. */
  private release(lane: Lane): void {
    lane.active--;
    if (!lane.inRing && lane.size > 0 && lane.active < lane.cap) this.link(lane);
  }

  /** Removes and returns every queued task of one lane, in order. */
  takeLane(lane: Lane): Task[] {
    this.queuedCount -= lane.size;
    const out = lane.takeAll();
    if (lane.inRing) this.unlinkLane(lane);
    return out;
  }

  /** Stops accepting work; running activations finish on their own. */
  close(): void {
    this.closed = true;
    for (const session of this.parked) session.sub.complete();
    this.parked.length = 0;
    this.subscription.unsubscribe();
  }

  private unlinkLane(lane: Lane): void {
    let prev: Lane | null = null;
    for (let l = this.ringHead; l !== null; prev = l, l = l.nextLane) {
      if (l !== lane) continue;
      if (prev === null) this.ringHead = l.nextLane;
      else prev.nextLane = l.nextLane;
      if (this.ringTail === l) this.ringTail = prev;
      break;
    }
    lane.nextLane = null;
    lane.inRing = false;
  }

  private kick(): void {
    if (this.kickScheduled || this.closed) return;
    this.kickScheduled = true;
    queueMicrotask(this.spawnCallback);
  }

  private spawn(): void {
    this.kickScheduled = false;
    // While a session has yielded its time slice, no new one starts: the yielded session
    // takes the runnable work when it resumes, after the event loop had its turn.
    while (!this.closed && this.yielded === 0 && this.ringHead !== null) {
      const idle = this.parked.pop();
      if (idle !== undefined) {
        this.drain(idle);
        continue;
      }
      if (this.workers >= this.concurrency) break;
      this.workers++;
      this.requests.next();
    }
  }

  /** Takes the next task of `lane`, the head of the ring. */
  private dequeue(lane: Lane): Task {
    const task = lane.shift();
    this.queuedCount--;
    lane.active++;
    if (lane.size === 0 || lane.active >= lane.cap) {
      // nothing left, or the job is at its cap: the lane leaves the ring until release()
      this.ringHead = lane.nextLane;
      if (this.ringHead === null) this.ringTail = null;
      lane.nextLane = null;
      lane.inRing = false;
    } else if (lane !== this.ringTail) {
      // rotate: this lane goes to the back of the ring so other jobs get their turn
      this.ringHead = lane.nextLane;
      lane.nextLane = null;
      this.ringTail!.nextLane = lane;
      this.ringTail = lane;
    }
    return task;
  }

  /** Runs tasks until none is runnable or one goes asynchronous; `now` is the current monotonic time when the caller has just read it. */
  private drain(session: Session, now: number = this.clock.monotonic()): void {
    this.looping = true;
    beginDispatch();
    const sliceStart = (this.tick = now);
    let sinceCheck = 0;
    for (;;) {
      const lane = this.closed ? null : this.ringHead;
      if (lane === null) break;
      const task = this.dequeue(lane);
      this.activeCount++;
      if (lane.run.runTask(task, session)) {
        // asynchronous: this session keeps its worker slot until the activation settles
        // (the run calls session.resume()); other sessions take the rest
        this.flushTiming();
        this.looping = false;
        endDispatch();
        if (this.ringHead !== null) this.kick();
        session.lane = lane;
        return;
      }
      this.activeCount--;
      this.release(lane);
      // A long run of synchronous handlers would otherwise hold the event loop: timers
      // (job timeouts, retries), I/O and other jobs' callbacks could not run. After a time
      // slice the session yields one macrotask turn and then continues where it was.
      if (++sinceCheck === YIELD_CHECK_EVERY) {
        sinceCheck = 0;
        this.flushTiming();
        if (this.tick - sliceStart >= TIME_SLICE_MS && this.ringHead !== null) {
          this.looping = false;
          endDispatch();
          this.yielded++;
          setImmediate(() => {
            this.yielded--;
            this.drain(session);
          });
          return;
        }
      }
    }
    this.flushTiming();
    this.looping = false;
    endDispatch();
    if (!this.closed && this.parked.length < MAX_PARKED) {
      this.parked.push(session);
      return;
    }
    this.workers--;
    session.sub.complete();
  }

  /** @internal an asynchronous activation of `session` settled: its lane may run again and the session goes on. */
  resume(session: Session, now?: number): void {
    this.activeCount--;
    const lane = session.lane!;
    session.lane = null;
    this.release(lane);
    // this session drains at once, so no kick is needed for the work it can take; other
    // runnable lanes get more sessions from the kick at the end of its stretch
    this.drain(session, now);
  }
}

/**
 * @internal One worker: it drains tasks one at a time, and an asynchronous activation keeps it
 * (its worker slot) until the activation settles and the job's run calls `resume()`.
 */
export class Session implements ActivationSession {
  /** The lane of the asynchronous activation this session waits for. */
  lane: Lane | null = null;
  constructor(
    private readonly scheduler: Scheduler,
    readonly sub: Subscriber<never>,
  ) {}

  /** The asynchronous activation this session waited for has settled (`now`: the monotonic time, if the caller just read it). */
  resume(now?: number): void {
    this.scheduler.resume(this, now);
  }
}

/** Most idle sessions a scheduler keeps for the next burst of work. */
const MAX_PARKED = 128;
/** Largest timing group of tiny synchronous activations. */
const MAX_GROUP = 16;
/** Activations faster than this (ms) are timed in groups. */
const FAST_ACTIVATION_MS = 0.002;
/** Synchronous activations between two looks at the time-slice clock. */
const YIELD_CHECK_EVERY = 256;
/** Longest stretch of synchronous activations before a session yields to the event loop, ms. */
const TIME_SLICE_MS = 20;
