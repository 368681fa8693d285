import { ErrorCode, JobState, StoreError, isRoutiluxError } from '../index.js';
import type { FlowRegistry, JobLease, JobStatus, Runtime, SerializedJobState } from '../index.js';
import type { RedisControlChannel, RedisJobStore } from '../store-redis/index.js';
import { type ControlMessage, decodeControl, encodeControl } from './control.js';
import type { Holding, LeasedStore } from './leased-store.js';
import type { PlacementData } from './queue-names.js';

/** What one worker process shares between the jobs it holds. */
export interface HolderContext {
  readonly store: RedisJobStore;
  readonly leased: LeasedStore;
  readonly control: RedisControlChannel;
  readonly runtime: Runtime;
  readonly registry: FlowRegistry;
  /** This worker's lease owner name. */
  readonly owner: string;
  /** Lease time-to-live (ms), renewed every third of it. */
  readonly leaseMs: number;
  readonly onError: (error: unknown) => void;
}

const STOP: ReadonlySet<JobStatus> = new Set<JobStatus>(['completed', 'failed', 'cancelled', 'paused']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const isUnavailable = (error: unknown): boolean => isRoutiluxError(error) && error.code === ErrorCode.STORE_UNAVAILABLE;

/**
 * Holds one routilux job on this worker for one BullMQ job: takes the job's store lease
 * (waiting out a previous holder's), loads the job, runs it on the worker's Runtime until
 * it finishes or pauses, and gives the lease back. While Redis is unreachable the turn is
 * tried again with backoff (the job continues from what the store has).
 */
export class JobHolder {
  /** Jobs held now, by id: the mailbox announcements for them are acted on. */
  readonly held = new Map<string, { readonly flowName: string; drain: () => void }>();

  constructor(private readonly ctx: HolderContext) {}

  /** Runs the turn of `data.jobId`; resolves when this worker no longer holds the job. */
  async run(data: PlacementData): Promise<void> {
    this.ctx.registry.resolve(data.flow); // UNKNOWN_FLOW: this worker cannot run the job
    const deadline = Date.now() + 60_000;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
      try {
        await this.turn(data);
        return;
      } catch (error) {
        if (!isUnavailable(error) || Date.now() > deadline) throw error;
        this.ctx.onError(error);
        await sleep(wait);
      }
    }
  }

  /** Announced: messages wait in `jobId`'s mailbox. */
  announce(jobId: string): void {
    this.held.get(jobId)?.drain();
  }

  private async turn(data: PlacementData): Promise<void> {
    const { store, leased, leaseMs } = this.ctx;
    const lease = await this.acquire(data.jobId);
    if (lease === undefined) return; // another worker holds it and renews its lease: its turn sees the job through
    let holding: (Holding & { registered: boolean }) | undefined;
    let renewal: ReturnType<typeof setInterval> | undefined;
    let lost = false;
    try {
      const doc = await store.load(data.jobId);
      if (doc === undefined || doc.status === 'completed' || doc.status === 'failed' || doc.status === 'cancelled') return;
      const messages = (await this.ctx.control.take(data.jobId)).map(decodeControl).filter((m): m is ControlMessage => m !== undefined);
      let stopped!: (status: JobStatus) => void;
      let broke!: (error: Error) => void;
      const ended = new Promise<JobStatus>((resolve, reject) => {
        stopped = resolve;
        broke = reject;
      });
      ended.catch(() => undefined); // a write may fail before the turn waits for the end; the await below still sees it
      let state: JobState | undefined;
      const h: Holding & { registered: boolean } = {
        lease,
        registered: false,
        resumeAs: undefined,
        onStatus: (status) => {
          if (STOP.has(status) && state !== undefined && state.status === status) stopped(status);
        },
        onWriteFailed: (error) => broke(error),
      };
      holding = h;
      leased.hold(h);
      renewal = setInterval(() => {
        store.renew(lease, leaseMs).then(
          (kept) => {
            if (kept || lost) return;
            lost = true;
            leased.drop(h);
            broke(new StoreError(ErrorCode.STALE_WRITE, `Job ${data.jobId}: this worker's lease (fence ${lease.fence}) was taken over; it stops writing the job.`, { details: { jobId: data.jobId, fence: lease.fence } }));
          },
          (error: unknown) => this.ctx.onError(error),
        );
      }, Math.max(50, Math.floor(leaseMs / 3)));

      state = await this.start(data, doc, messages, h);
      if (state === undefined) return;
      const flowName = data.flow;
      let draining = Promise.resolve();
      const drain = (): void => {
        draining = draining.then(() => this.drain(data.jobId, flowName)).catch((error: unknown) => this.ctx.onError(error));
      };
      this.held.set(data.jobId, { flowName, drain });
      for (const m of messages) if (m.op !== 'resume') this.apply(data.jobId, flowName, m);
      drain(); // what arrived between the take and the hold
      await ended;
      await draining;
    } catch (error) {
      if (isRoutiluxError(error) && error.code === ErrorCode.STALE_WRITE) {
        this.ctx.onError(error);
        return; // taken over: the new holder owns the job, and BullMQ's lock of this turn is gone too
      }
      throw error;
    } finally {
      if (renewal !== undefined) clearInterval(renewal);
      this.held.delete(data.jobId);
      if (holding !== undefined) leased.drop(holding);
      if (!lost) await store.release(lease).catch((error: unknown) => this.ctx.onError(error));
    }
  }

  /** Takes the job's lease, waiting up to two lease times for a previous holder's to expire. */
  private async acquire(jobId: string): Promise<JobLease | undefined> {
    const deadline = Date.now() + 2 * this.ctx.leaseMs + 500;
    for (;;) {
      const lease = await this.ctx.store.acquire(jobId, this.ctx.owner, this.ctx.leaseMs);
      if (lease !== undefined || Date.now() > deadline) return lease;
      await sleep(Math.min(250, Math.max(25, this.ctx.leaseMs / 10)));
    }
  }

  /**
   * Puts the stored job on this worker's Runtime. A job a client registered starts at its
   * entry; a job another holder left running (it died, stalled or lost Redis) continues from
   * its pending tasks, each (but retries waiting out a delay) with attempt + 1, since any of
   * them may have been in flight; a paused job continues only when a resume is waiting.
   */
  private async start(data: PlacementData, doc: SerializedJobState, messages: readonly ControlMessage[], holding: Holding & { registered: boolean }): Promise<JobState | undefined> {
    const runtime = this.ctx.runtime;
    if (doc.status === 'pending') {
      holding.registered = true;
      const cancel = messages.find((m) => m.op === 'cancel');
      const state = JobState.deserialize(doc);
      if (cancel !== undefined) return this.cancelDetached(data, state, cancel.reason);
      if (data.start === undefined) return undefined;
      return runtime.exec(data.flow, { jobState: state, entryRoutineId: data.start.entryRoutineId, entryParams: data.start.entryParams, ...(data.start.timeout !== undefined ? { timeout: data.start.timeout } : {}) });
    }
    if (doc.status === 'paused') {
      const cancel = messages.find((m) => m.op === 'cancel');
      if (cancel !== undefined) return this.cancelDetached(data, JobState.deserialize(doc), cancel.reason);
      if (!messages.some((m) => m.op === 'resume')) {
        // nothing resumes it: the messages wait for the turn that does
        for (const m of messages) void this.ctx.control.send(data.jobId, encodeControl(m)).catch((error: unknown) => this.ctx.onError(error));
        return undefined;
      }
      return runtime.exec(data.flow, { jobState: JobState.deserialize(doc) });
    }
    // running: continue where the previous holder left it
    const pendingTasks = doc.pendingTasks.map((t) => (t.delayMs > 0 ? t : { ...t, attempt: t.attempt + 1 }));
    holding.resumeAs = 'running';
    return runtime.exec(data.flow, { jobState: JobState.deserialize({ ...doc, status: 'paused', pendingTasks }) });
  }

  /** Cancels a job no run drives (pending or paused) and writes it with this worker's fence. */
  private async cancelDetached(data: PlacementData, state: JobState, reason: string): Promise<undefined> {
    await this.ctx.registry.resolve(data.flow).cancel(state, reason);
    await this.ctx.leased.put(state.serialize(), { flow: data.flow });
    return undefined;
  }

  private async drain(jobId: string, flowName: string): Promise<void> {
    if (!this.held.has(jobId)) return;
    const texts = await this.ctx.control.take(jobId);
    for (const text of texts) {
      const m = decodeControl(text);
      if (m !== undefined) this.apply(jobId, flowName, m);
    }
  }

  /** Applies one control message to a job running on this worker. */
  private apply(jobId: string, flowName: string, m: ControlMessage): void {
    const runtime = this.ctx.runtime;
    const job = runtime.getJob(jobId);
    if (job === undefined || job.isFinished) return;
    try {
      switch (m.op) {
        case 'pause':
          if (job.status === 'running') void runtime.pauseJob(jobId, m.reason).catch((error: unknown) => this.ctx.onError(error));
          break;
        case 'cancel':
          void runtime.cancelJob(jobId, m.reason).catch((error: unknown) => this.ctx.onError(error));
          break;
        case 'post':
          runtime.post(flowName, m.routineId, m.slot, m.data, { jobId });
          break;
        case 'resume':
          break; // a held job is running
      }
    } catch (error) {
      this.ctx.onError(error);
    }
  }
}
