import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Subscribable, Unsubscribable, Observer } from 'rxjs';
import { DefinitionError, ErrorCode, ExecutionError, FlowRegistry, InvalidArgumentError, JobState, JobStatus } from '../index.js';
import type { Flow, RoutiluxEvent } from '../index.js';
import { RedisControlChannel, RedisEventBridge, RedisJobStore } from '../store-redis/index.js';
import type { RedisEventSubscription } from '../store-redis/index.js';
import { checkOptionKeys, checkPositiveInteger } from './checks.js';
import { type DistributedConnection, bullConnection, checkConnection } from './connection.js';
import { type ControlMessage, encodeControl } from './control.js';
import { type PlacementData, RUN_QUEUE, bullPrefix } from './queue-names.js';

/** Options of {@link DistributedRuntime}. */
export interface DistributedRuntimeOptions {
  /** Where Redis is: a `redis://` URL or host options. */
  readonly connection: DistributedConnection;
  /** The application's prefix (default `'routilux'`): jobs, queue and channels live under it. */
  readonly prefix?: string;
  /** Where the flows are registered by name, as in every worker (default: the singleton). */
  readonly registry?: FlowRegistry;
  /** How long pauseJob / resumeJob / cancelJob wait for a worker to carry them out (ms, default 60000). */
  readonly controlTimeoutMs?: number;
}

/** Options of {@link DistributedRuntime.exec}. */
export interface DistributedExecOptions {
  readonly entryRoutineId?: string;
  readonly entryParams?: Record<string, unknown>;
  /** The job's execution timeout (ms). */
  readonly timeout?: number;
}

const KEYS = ['connection', 'prefix', 'registry', 'controlTimeoutMs'];
const STATUSES: ReadonlySet<string> = new Set(Object.values(JobStatus));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const POLL_MS = 20;

/**
 * The Runtime's job API for jobs that run on workers ({@link startWorker}) in other
 * processes and hosts; every method returns a promise. Job state lives in Redis
 * (`RedisJobStore`): `exec` resolves once the job is stored and placed, `getJob` reads a
 * snapshot from the store, pause / resume / cancel / post reach whichever worker holds the
 * job through its Redis mailbox, and `events$` carries every job's events across processes.
 * See docs/distributed.md.
 *
 * @example
 * const runtime = new DistributedRuntime({ connection: 'redis://10.0.0.5:6379', registry });
 * const job = await runtime.exec('orders', { entryParams: { orderId: 7 } });
 * await runtime.waitUntilAllJobsFinished();
 * console.log((await runtime.getJob(job.jobId))?.status);
 * await runtime.close();
 */
export class DistributedRuntime {
  /** The application's prefix. */
  readonly prefix: string;
  readonly #registry: FlowRegistry;
  readonly #store: RedisJobStore;
  readonly #control: RedisControlChannel;
  readonly #bridge: RedisEventBridge;
  readonly #queue: Queue<PlacementData>;
  readonly #controlTimeout: number;
  readonly #listeners = new Set<Partial<Observer<RoutiluxEvent>>>();
  #subscription: Promise<RedisEventSubscription> | undefined;
  #closed = false;

  constructor(options: DistributedRuntimeOptions) {
    checkOptionKeys(options, KEYS, 'DistributedRuntime');
    const host = checkConnection(options.connection, 'DistributedRuntime');
    const registry = options.registry ?? FlowRegistry.getInstance();
    if (!(registry instanceof FlowRegistry)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'DistributedRuntime: registry must be a FlowRegistry (the flows registered by name).', { details: { path: 'registry' } });
    this.#controlTimeout = checkPositiveInteger(options.controlTimeoutMs ?? 60_000, 'DistributedRuntime controlTimeoutMs', 3_600_000);
    this.#registry = registry;
    this.#store = new RedisJobStore({ connection: host, prefix: options.prefix ?? 'routilux' });
    this.prefix = this.#store.prefix;
    this.#control = new RedisControlChannel({ connection: host, prefix: this.prefix });
    this.#bridge = new RedisEventBridge({ connection: host, prefix: this.prefix, onError: (error) => this.#error(error) });
    this.#queue = new Queue<PlacementData>(RUN_QUEUE, {
      connection: bullConnection(host),
      prefix: bullPrefix(this.prefix),
      defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 10, backoff: { type: 'exponential', delay: 500 } },
    });
    this.#queue.on('error', () => undefined); // commands report their own failures
  }

  /** The registry flow names are looked up in. */
  get flowRegistry(): FlowRegistry {
    return this.#registry;
  }

  /** The job store the jobs live in (for `createServer({ store })` and tooling). */
  get store(): RedisJobStore {
    return this.#store;
  }

  /** Every event of every job of this prefix, from whichever worker runs it (hot, at most once, per-job order). */
  get events$(): Subscribable<RoutiluxEvent> {
    return {
      subscribe: (observer: Partial<Observer<RoutiluxEvent>>): Unsubscribable => {
        this.#listeners.add(observer);
        this.#subscription ??= this.#bridge.subscribe(null, (event) => {
          for (const l of this.#listeners) l.next?.(event);
        });
        this.#subscription.catch((error: unknown) => this.#error(error));
        return { unsubscribe: () => void this.#listeners.delete(observer) };
      },
    };
  }

  /**
   * Starts a job of the flow registered as `flowName`: stores it (status `pending`) and places
   * it on a worker; resolves with that snapshot once both are in Redis. Unknown flow, entry
   * routine or a flow without one trigger → the Runtime's codes (`UNKNOWN_FLOW`,
   * `UNKNOWN_ROUTINE`, `MISSING_TRIGGER_SLOT`, `AMBIGUOUS_ENTRY`).
   */
  async exec(flowName: string, options: DistributedExecOptions = {}): Promise<JobState> {
    this.#open();
    checkOptionKeys(options, ['entryRoutineId', 'entryParams', 'timeout'], 'distributedRuntime.exec');
    const flow = this.#registry.resolve(flowName);
    const entryRoutineId = entryOf(flow, options.entryRoutineId);
    const entryParams = options.entryParams ?? {};
    if (typeof entryParams !== 'object' || entryParams === null || Array.isArray(entryParams)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'distributedRuntime.exec entryParams must be a plain object.');
    const timeout = options.timeout;
    if (timeout !== undefined) checkPositiveInteger(timeout, 'distributedRuntime.exec timeout (ms)', 2_147_483_647);
    const state = new JobState(flow.flowId, { jobId: randomUUID(), historyLimit: flow.historyLimit });
    await this.#store.create(state.serialize(), { flow: flowName });
    await this.#place({ jobId: state.jobId, flow: flowName, start: { entryRoutineId, entryParams: JSON.parse(JSON.stringify(entryParams)) as Record<string, unknown>, ...(timeout !== undefined ? { timeout } : {}) } });
    return state;
  }

  /**
   * Delivers `data` to `routineId.slotName` of the running or paused job `options.jobId`
   * through the worker holding it (a paused job receives it when it resumes); resolves with
   * the job's snapshot once the message is stored. Unknown routine / slot →
   * `UNKNOWN_ROUTINE` / `UNKNOWN_SLOT`; a finished job → `JOB_FINISHED`; another flow's job →
   * `FLOW_MISMATCH`.
   */
  async post(flowName: string, routineId: string, slotName: string, data: Record<string, unknown>, options: { readonly jobId: string }): Promise<JobState> {
    this.#open();
    checkOptionKeys(options, ['jobId'], 'distributedRuntime.post');
    if (typeof options.jobId !== 'string') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'distributedRuntime.post needs { jobId } of a job started with exec: jobs are opened by exec in the distributed runtime.');
    const flow = this.#registry.resolve(flowName);
    const routine = flow.routines.get(routineId);
    if (routine === undefined) throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `Routine ${JSON.stringify(routineId)} not found in flow ${flow.flowId}; routines: ${[...flow.routines.keys()].join(', ')}.`, { details: { routineId: String(routineId) } });
    if (!routine.slots.has(slotName)) throw new DefinitionError(ErrorCode.UNKNOWN_SLOT, `Slot ${JSON.stringify(slotName)} not found in routine "${routineId}"; its slots are: ${[...routine.slots.keys()].join(', ') || '(none)'}.`, { details: { routineId, slot: String(slotName) } });
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'distributedRuntime.post data must be a plain object.');
    const state = await this.#unfinished(options.jobId, 'post to');
    if (state.flowId !== flow.flowId) throw new ExecutionError(ErrorCode.FLOW_MISMATCH, `Job ${state.jobId} runs flow ${state.flowId}, not ${JSON.stringify(flowName)}; post to it with its own flow name.`, { details: { jobId: state.jobId, flowId: state.flowId } });
    await this.#send(state.jobId, { op: 'post', routineId, slot: slotName, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> });
    return state;
  }

  /** A snapshot of the job read from the store, or undefined. */
  async getJob(jobId: string): Promise<JobState | undefined> {
    this.#open();
    const doc = await this.#store.getJob(jobId);
    return doc === undefined ? undefined : JobState.deserialize(doc);
  }

  /** Snapshots of the jobs of this prefix (newest first), optionally only those with `status`. */
  async listJobs(status?: JobStatus): Promise<JobState[]> {
    this.#open();
    if (status !== undefined && !STATUSES.has(status)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `listJobs(status): status must be one of ${[...STATUSES].join(', ')}; got ${JSON.stringify(status)}.`);
    const out: JobState[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.listJobs({ limit: 500, ...(status !== undefined ? { status } : {}), ...(cursor !== undefined ? { cursor } : {}) });
      for (const item of page.items) {
        const doc = await this.#store.getJob(item.jobId);
        if (doc !== undefined) out.push(JobState.deserialize(doc));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return out;
  }

  /** Pauses a running job wherever it runs; resolves once the store shows it paused (or finished meanwhile). Unknown → `INVALID_ARGUMENT`; finished → `JOB_FINISHED`. */
  async pauseJob(jobId: string, reason = ''): Promise<void> {
    this.#open();
    const state = await this.#unfinished(jobId, 'pause');
    if (state.status === 'paused') return;
    await this.#send(jobId, { op: 'pause', reason: String(reason) });
    await this.#until(jobId, (s) => s.status === 'paused' || s.isFinished, 'pause');
  }

  /** Resumes a paused job on some worker; resolves like the Runtime's, once the job is no longer running (finished, or paused again). */
  async resumeJob(jobId: string): Promise<JobState> {
    this.#open();
    const state = await this.#unfinished(jobId, 'resume');
    if (state.status !== 'paused') return this.#until(jobId, (s) => s.status !== 'running' && s.status !== 'pending', 'resume');
    const pauses = state.pausePoints.length;
    await this.#send(jobId, { op: 'resume' });
    await this.#place({ jobId, flow: await this.#flowOf(jobId) });
    return this.#until(jobId, (s) => s.isFinished || (s.status === 'paused' && s.pausePoints.length > pauses), 'resume');
  }

  /** Cancels a job wherever it runs; resolves false when it is unknown or already finished, true once the store shows it cancelled. */
  async cancelJob(jobId: string, reason = ''): Promise<boolean> {
    this.#open();
    const state = await this.getJob(jobId);
    if (state === undefined || state.isFinished) return false;
    await this.#send(jobId, { op: 'cancel', reason: String(reason) });
    if (state.status === 'paused') await this.#place({ jobId, flow: await this.#flowOf(jobId) });
    const after = await this.#until(jobId, (s) => s.isFinished, 'cancel');
    return after.status === 'cancelled';
  }

  /** Resolves true once no job of this prefix is pending or running (paused jobs do not count), false after `timeout` ms. */
  async waitUntilAllJobsFinished(timeout?: number): Promise<boolean> {
    this.#open();
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `waitUntilAllJobsFinished timeout must be a number of ms >= 0; got ${String(timeout)}.`);
    const deadline = timeout === undefined ? Infinity : Date.now() + timeout;
    for (;;) {
      const [running, pending] = await Promise.all([this.#store.listJobs({ status: 'running', limit: 1 }), this.#store.listJobs({ status: 'pending', limit: 1 })]);
      if (running.items.length === 0 && pending.items.length === 0) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(100, Math.max(5, deadline - Date.now())));
    }
  }

  /** Closes this runtime's connections (the jobs keep running on the workers); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#queue.close(), this.#control.close(), this.#bridge.close(), this.#store.close()]);
  }

  #open(): void {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, 'This DistributedRuntime is closed; create a new one.');
  }

  async #place(data: PlacementData): Promise<void> {
    await this.#queue.add('hold', data);
  }

  async #send(jobId: string, message: ControlMessage): Promise<void> {
    await this.#control.send(jobId, encodeControl(message));
  }

  /** The registry name of a stored job's flow (the first name its flow is registered under here). */
  async #flowOf(jobId: string): Promise<string> {
    const doc = await this.#store.getJob(jobId);
    const name = doc === undefined ? undefined : this.#registry.list().find((r) => r.flowId === doc.flowId)?.names[0];
    if (name === undefined) throw new ExecutionError(ErrorCode.UNKNOWN_FLOW, `Job ${jobId}: its flow is not registered by name in this process; register the same flows by name as the workers.`, { details: { jobId } });
    return name;
  }

  async #unfinished(jobId: string, what: string): Promise<JobState> {
    const state = typeof jobId === 'string' ? await this.getJob(jobId) : undefined;
    if (state === undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `No job with id ${JSON.stringify(jobId)} in the store (prefix ${this.prefix}); use the jobId of a job started with exec.`, { details: { jobId: String(jobId) } });
    if (state.isFinished) throw new ExecutionError(ErrorCode.JOB_FINISHED, `Cannot ${what} job ${state.jobId}: it is already ${state.status}.`, { details: { jobId: state.jobId, status: state.status } });
    return state;
  }

  /** Polls the store until the job satisfies `done` (bounded by controlTimeoutMs). */
  async #until(jobId: string, done: (state: JobState) => boolean, what: string): Promise<JobState> {
    const deadline = Date.now() + this.#controlTimeout;
    for (;;) {
      const state = await this.getJob(jobId);
      if (state === undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Job ${jobId} is no longer in the store.`, { details: { jobId } });
      if (done(state)) return state;
      if (Date.now() > deadline) {
        throw new ExecutionError(ErrorCode.EXECUTION_TIMEOUT, `${what} of job ${jobId}: no worker carried it out within ${this.#controlTimeout} ms (it is ${state.status}); is a worker running for prefix ${this.prefix}? The request stays queued for the job.`, { details: { jobId, status: state.status } });
      }
      await sleep(POLL_MS);
    }
  }

  #error(error: unknown): void {
    for (const l of this.#listeners) l.error?.(error);
  }
}

/** The entry routine of a start: the given one (with a trigger slot), or the flow's only routine with one. */
function entryOf(flow: Flow, entryRoutineId: string | undefined): string {
  if (entryRoutineId !== undefined) {
    const routine = flow.routines.get(entryRoutineId);
    if (routine === undefined) throw new DefinitionError(ErrorCode.UNKNOWN_ROUTINE, `Entry routine ${JSON.stringify(entryRoutineId)} not found in flow ${flow.flowId}; routines: ${[...flow.routines.keys()].join(', ') || '(none)'}.`, { details: { routineId: String(entryRoutineId) } });
    if (!routine.slots.has('trigger')) throw new DefinitionError(ErrorCode.MISSING_TRIGGER_SLOT, `Entry routine "${entryRoutineId}" has no "trigger" slot; define one, or feed the job with post.`, { details: { routineId: entryRoutineId } });
    return entryRoutineId;
  }
  const entries = [...flow.routines].filter(([, r]) => r.slots.has('trigger')).map(([id]) => id);
  if (entries.length === 1) return entries[0]!;
  if (entries.length === 0) throw new DefinitionError(ErrorCode.MISSING_TRIGGER_SLOT, `Flow ${flow.flowId} has no routine with a "trigger" slot; define one.`);
  throw new DefinitionError(ErrorCode.AMBIGUOUS_ENTRY, `Flow ${flow.flowId} has several routines with a "trigger" slot (${entries.join(', ')}); pass entryRoutineId to choose one.`, { details: { candidates: entries } });
}
