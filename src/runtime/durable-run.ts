import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../errors/error-codes.js';
import { isRoutiluxError } from '../errors/routilux-error.js';
import type { ActivationCommit, CommitOutcome, JobStore, StoredTask } from '../ports/job-store.js';
import type { JobState } from '../state/job-state.js';
import type { PlanSlot } from './flow-plan.js';
import { toPending } from './pending-work.js';
import { Task, taskIdOf, type TaskRun } from './task.js';
import { storeHealthOf, type StoreHealth } from './store-health.js';

/** First wait before a failed write is tried again; it doubles up to {@link STORE_RETRY_MAX_DELAY}. */
export const STORE_RETRY_DELAY = 50;
/** Longest wait between two tries of a write. */
export const STORE_RETRY_MAX_DELAY = 2_000;
/** How long a job keeps retrying one write before it fails with the store's error. */
export const STORE_RETRY_BUDGET = 120_000;

/** @internal a delivery waiting for the commit that records it. */
export interface HeldDelivery {
  readonly slot: PlanSlot;
  readonly data: Record<string, unknown>;
  readonly seq: number;
  readonly bits: number;
}

/** @internal what a DurableRun asks of its run. */
export interface DurableOwner extends TaskRun {
  /** Delivers committed work (to the lane, a policy queue, or pending tasks when paused). */
  release(held: readonly HeldDelivery[]): void;
  /** A write failed for good: the job fails with `error`. */
  commitFailed(error: Error): void;
  /** Counts work the job waits for (an activation's commit not written yet keeps it from completing). */
  addPending(delta: number): void;
  /** Completes the job if nothing is pending. */
  checkSettled(): void;
}

/**
 * @internal The durable side of one job's run, when a store is configured. Everything an
 * activation delivers is held until the commit that records it is written (or, with a store
 * that keeps a job's commits in call order, handed over); commits of a job are written in
 * order. An activation's commit carries the job's changes
 * since the previous commit (as changes to its document), the tasks the activation produced
 * and the consumption of its own task; changes made outside activations (start, pause,
 * resume, cancel, timers, posts) go out as job-level commits (`taskId: null`).
 */
export class DurableRun {
  private chain: Promise<void> = Promise.resolve();
  /** Deliveries made outside any activation (start, resume, timers, posts). */
  private jobHeld: HeldDelivery[] = [];
  /** Deliveries of activations that have not ended yet, by activation. */
  private readonly taskHeld = new Map<Task, HeldDelivery[]>();
  /** Tasks consumed outside their own activation (accepted into a policy queue). */
  private consumed: string[] = [];
  /** Tasks recorded as pending without being delivered (a retry waiting out its delay). */
  private waiting: StoredTask[] = [];
  /** Ids of the tasks pending in the store: those of the stored document, plus produced, minus consumed. */
  private readonly stored = new Set<string>();
  private flushQueued = false;
  /** The next flush commits even when nothing was marked (the tracker's grouped timings land after the activation). */
  private forceFlush = false;
  private failed = false;
  /** Activations whose commit is not written yet (each keeps the job from completing). */
  private readonly unwritten = new Set<Task>();
  /** Idempotency keys of job-level commits: `~<run nonce>.<n>`, unique across runs. */
  private readonly nonce = randomUUID();
  private jobCommits = 0;
  private readonly health: StoreHealth;
  /** Set once an ordered store refused a commit: the job's writes then go one after the other. */
  private serial = false;
  /** Writes on the one-after-the-other path not started yet (a pipelined commit must not overtake them). */
  private serialWrites = 0;

  constructor(
    private readonly store: JobStore,
    private readonly owner: DurableOwner,
    private readonly state: JobState,
    private readonly flowName: string | undefined,
  ) {
    state.writer.recordChanges();
    this.health = storeHealthOf(store);
  }

  /** Stores the job's document before its first change: `create` for a new job, `put` for one that existed before (restored or resumed). */
  open(isNew: boolean): void {
    const doc = this.state.serialize();
    this.state.writer.takeChanges(); // the document holds everything so far
    for (const t of doc.pendingTasks) this.stored.add(t.taskId);
    const options = this.flowName !== undefined ? { flow: this.flowName } : undefined;
    // a create tried again after a failure that may have written it is a put of the same document
    this.write(
      () => (isNew ? this.store.create(doc, options) : this.store.put(doc, options)),
      [],
      () => this.store.put(doc, options),
    );
  }

  /** Holds a delivery until it is committed; `from` is the activation that made it, if any. */
  hold(delivery: HeldDelivery, from: Task | undefined): void {
    if (from !== undefined && this.taskHeld.has(from)) this.taskHeld.get(from)!.push(delivery);
    else {
      this.jobHeld.push(delivery);
      this.scheduleFlush();
    }
  }

  /** An activation starts: what it delivers is held for its own commit. */
  began(task: Task): void {
    this.taskHeld.set(task, []);
    this.unwritten.add(task);
    this.owner.addPending(1); // the job completes only once this activation's commit is written
  }

  /** Records `task` as pending work without delivering it (a retry waiting for its timer). */
  waitingTask(task: Task, delayMs: number): void {
    this.waiting.push(toPending(task, delayMs));
  }

  /** A task was consumed outside an activation of its own (data accepted into a policy queue). */
  consumedTask(seq: number): void {
    this.consumed.push(taskIdOf(seq));
    this.scheduleFlush();
  }

  /** An activation ended: commit its changes, what it produced and its own task, then release what it produced. */
  ended(task: Task, outcome: CommitOutcome): void {
    const held = this.taskHeld.get(task) ?? [];
    this.taskHeld.delete(task);
    const all = this.jobHeld.length > 0 ? [...this.jobHeld, ...held] : held;
    this.jobHeld = [];
    this.commit(task.taskId, task.attempt, outcome, all, [task.taskId], this.unwritten.delete(task));
  }

  /**
   * Commits whatever changed outside activations (soon, once per microtask). `force` when the
   * job stops running (pause, end): the commit then also carries the latest metrics.
   */
  scheduleFlush(force = false): void {
    if (force) this.forceFlush = true;
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flushJob();
    });
  }

  /** Resolves once every commit so far (and a flush already scheduled) is written. */
  idle(): Promise<void> {
    const chain = this.chain;
    return chain.then(() => (chain === this.chain && !this.flushQueued ? undefined : this.idle()));
  }

  private flushJob(): void {
    const force = this.forceFlush;
    this.forceFlush = false;
    if (!force && this.jobHeld.length === 0 && this.consumed.length === 0 && this.waiting.length === 0 && !this.state.writer.hasChanges) return;
    const held = this.jobHeld;
    this.jobHeld = [];
    // a job-level change gets a key of its own, so a write tried again after a failure that
    // may have gone through (a timeout after the commit) is applied once
    this.commit(`~${this.nonce}.${++this.jobCommits}`, 1, undefined, held, []);
  }

  private commit(taskId: string, attempt: number, outcome: CommitOutcome | undefined, held: readonly HeldDelivery[], consumed: string[], counted = false): void {
    const changes = this.state.writer.takeChanges();
    const produced: StoredTask[] = [...this.waiting, ...held.map((h) => toPending(new Task(this.owner, h.slot, h.data, h.seq, h.bits), 0))];
    this.waiting = [];
    let gone = this.consumed.length > 0 ? [...this.consumed, ...consumed] : consumed;
    // A finished job keeps no pending work: whatever the store still holds is consumed with it.
    if (this.state.isFinished) gone = [...new Set([...gone, ...this.stored])];
    for (const id of gone) this.stored.delete(id);
    for (const t of produced) this.stored.add(t.taskId);
    if (this.state.isFinished) {
      produced.length = 0;
      this.stored.clear();
    }
    const commit: ActivationCommit = {
      jobId: this.state.jobId,
      taskId,
      attempt,
      ...(outcome !== undefined ? { outcome } : {}),
      changes: changes ?? {},
      produced,
      consumed: gone,
    };
    this.consumed = [];
    this.write(() => this.store.commit(commit), held, undefined, counted, true);
  }

  /**
   * Writes in order. A write the store refuses with `STORE_UNAVAILABLE` is tried again after
   * 50 ms, doubling to 2 s, on the job's clock, for up to two minutes (the job waits and
   * nothing it produced runs meanwhile; the store's health reports it); any other failure,
   * or one that lasts longer, fails the job. `retry` replaces `op` for the later tries.
   *
   * A commit (`pipelined`) to a store that keeps a job's commits in call order
   * ({@link JobStore.ordered}) is handed over at once and what it records is released as
   * soon as it is handed over; its durability is awaited in order behind the earlier
   * writes, and only then does the activation stop counting as pending work. The first
   * refusal switches the job to the one-after-the-other path for the rest of its run: the
   * refused commit is tried again as above, then each later one (the store refused them
   * too, unapplied, so they land in order).
   */
  private write(op: () => Promise<unknown>, release: readonly HeldDelivery[] = [], retry: (() => Promise<unknown>) | undefined = undefined, counted = false, pipelined = false): void {
    if (pipelined && this.store.ordered === true && !this.serial && this.serialWrites === 0 && !this.failed) {
      let handed: Promise<unknown>;
      try {
        handed = op();
      } catch (error) {
        handed = Promise.reject(error);
      }
      handed.catch(() => undefined); // observed below, in order
      if (release.length > 0) {
        queueMicrotask(() => {
          if (!this.failed) this.owner.release(release);
        });
      }
      this.chain = this.chain.then(async () => {
        if (this.failed) return;
        try {
          await handed;
        } catch (error) {
          const first = !this.serial;
          this.serial = true;
          // a later commit the store refused because an earlier one was missing goes again at once
          const again = first ? Promise.reject(error) : op();
          try {
            await again;
          } catch (next) {
            if (!(await this.tryAgain(op, next, 0))) return;
          }
        }
        this.written(counted, []);
      });
      return;
    }
    if (!pipelined) this.serialWrites++;
    this.chain = this.chain.then(async () => {
      if (!pipelined) this.serialWrites--;
      if (this.failed) return;
      try {
        await op();
      } catch (error) {
        if (!(await this.tryAgain(retry ?? op, error, 0))) return;
      }
      this.written(counted, release);
    });
  }

  /** Tries `op` again after `error` while the store is unavailable; `false` when the job failed. */
  private async tryAgain(op: () => Promise<unknown>, error: unknown, waited: number): Promise<boolean> {
    for (let tries = 0; ; tries++) {
      const delay = Math.min(STORE_RETRY_DELAY * 2 ** Math.min(tries, 16), STORE_RETRY_MAX_DELAY);
      if (!isRoutiluxError(error) || error.code !== ErrorCode.STORE_UNAVAILABLE || waited + delay > STORE_RETRY_BUDGET) {
        this.health.clear(this.state.jobId);
        this.failed = true;
        this.owner.commitFailed(error instanceof Error ? error : new Error(String(error)));
        return false;
      }
      this.health.waitingJob(this.state.jobId, { code: error.code, message: error.message });
      await new Promise<void>((resolve) => this.owner.clock.setTimeout(resolve, delay));
      waited += delay;
      try {
        await op();
        this.health.clear(this.state.jobId);
        return true;
      } catch (next) {
        error = next;
      }
    }
  }

  /** A write is durable: the activation stops counting and what it recorded runs (if not released already). */
  private written(counted: boolean, release: readonly HeldDelivery[]): void {
    if (counted) this.owner.addPending(-1);
    if (release.length > 0) this.owner.release(release);
    else if (counted) this.owner.checkSettled();
  }
}
