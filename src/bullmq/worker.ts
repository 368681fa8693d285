import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { ErrorCode, FlowRegistry, InvalidArgumentError, Runtime, isRoutiluxError } from '../index.js';
import { RedisControlChannel, RedisEventBridge, RedisJobStore } from '../store-redis/index.js';
import { type DistributedConnection, bullConnection, checkConnection } from './connection.js';
import { JobHolder } from './job-holder.js';
import { LeasedStore } from './leased-store.js';
import { type PlacementData, RUN_QUEUE, bullPrefix } from './queue-names.js';
import { checkOptionKeys, checkPositiveInteger } from './checks.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Where Redis is: a `redis://` URL or host options. */
  readonly connection: DistributedConnection;
  /** The application's prefix (default `'routilux'`): the same as the DistributedRuntime's. */
  readonly prefix?: string;
  /** Where the flows are registered by name, the same names in every process (default: the singleton). */
  readonly registry?: FlowRegistry;
  /** Activations at once on this worker, across the jobs it holds (default 10). */
  readonly concurrency?: number;
  /** Jobs this worker holds at once (default: `concurrency`). */
  readonly maxJobs?: number;
  /**
   * How long a worker's hold on a job lasts without renewal (ms, default 30000): the BullMQ
   * lock and the store lease. A worker that dies or stalls loses its jobs this long after
   * its last renewal (renewed every third of it).
   */
  readonly leaseMs?: number;
  /** How often a job may stall before BullMQ fails its placement (default 5). */
  readonly maxStalledCount?: number;
  /**
   * Whether the worker publishes its jobs' events for `DistributedRuntime.events$` (default
   * true). Each event is one Redis PUBLISH; turn it off when nobody follows the stream.
   */
  readonly events?: boolean;
  /** Receives what goes wrong in the background (refused writes after a takeover, lost connections); default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** A running worker. */
export interface DistributedWorker {
  /** This worker's lease owner name (`host:pid:id`). */
  readonly id: string;
  /** Stops taking jobs, lets the jobs it holds finish or pause, then closes its connections. */
  close(): Promise<void>;
}

const KEYS = ['connection', 'prefix', 'registry', 'concurrency', 'maxJobs', 'leaseMs', 'maxStalledCount', 'events', 'onError'];

/**
 * Starts a worker that runs the jobs of a {@link DistributedRuntime}'s prefix, in any number
 * of processes on any number of hosts. Each job is placed on one worker at a time through a
 * BullMQ job and runs there under BullMQ's lock and a store lease (renewed); every
 * activation is committed to Redis with the lease's fence. A worker that dies or stalls
 * loses its jobs; another worker takes them over and continues from the store.
 *
 * @example
 * const worker = await startWorker({ connection: 'redis://10.0.0.5:6379', registry, concurrency: 16 });
 * process.on('SIGTERM', () => void worker.close());
 */
export async function startWorker(options: WorkerOptions): Promise<DistributedWorker> {
  checkOptionKeys(options, KEYS, 'startWorker');
  const host = checkConnection(options.connection, 'startWorker');
  const registry = options.registry ?? FlowRegistry.getInstance();
  if (!(registry instanceof FlowRegistry)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'startWorker: registry must be a FlowRegistry (the flows registered by name).', { details: { path: 'registry' } });
  const concurrency = checkPositiveInteger(options.concurrency ?? 10, 'startWorker concurrency', 10_000);
  const maxJobs = checkPositiveInteger(options.maxJobs ?? concurrency, 'startWorker maxJobs', 10_000);
  const leaseMs = checkPositiveInteger(options.leaseMs ?? 30_000, 'startWorker leaseMs', 3_600_000);
  if (leaseMs < 300) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `startWorker leaseMs must be at least 300 ms; got ${leaseMs}.`, { details: { path: 'leaseMs' } });
  const maxStalledCount = checkPositiveInteger(options.maxStalledCount ?? 5, 'startWorker maxStalledCount', 1000);
  const onError = options.onError ?? (() => undefined);
  if (typeof onError !== 'function') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'startWorker onError must be a function.', { details: { path: 'onError' } });
  const prefix = options.prefix ?? 'routilux';

  const store = new RedisJobStore({ connection: host, prefix });
  const control = new RedisControlChannel({ connection: host, prefix });
  const bridge = new RedisEventBridge({ connection: host, prefix, onError });
  const leased = new LeasedStore(store);
  const runtime = new Runtime({ registry, concurrency, store: leased, maxFinishedJobs: 0 });
  if (options.events !== undefined && typeof options.events !== 'boolean') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'startWorker events must be a boolean.', { details: { path: 'events' } });
  const forwarding = options.events === false ? undefined : bridge.forward(runtime.events$);
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const holder = new JobHolder({ store, leased, control, runtime, registry, owner: id, leaseMs, onError });
  await control.listen((jobId) => holder.announce(jobId));

  const worker = new Worker<PlacementData>(
    RUN_QUEUE,
    async (job) => {
      try {
        await holder.run(job.data);
      } catch (error) {
        // a flow this worker does not know, or a job that cannot start, will not get better by retrying
        if (isRoutiluxError(error) && error.code !== ErrorCode.STORE_UNAVAILABLE && error.code !== ErrorCode.STALE_WRITE) throw new UnrecoverableError(`${error.code}: ${error.message}`);
        throw error;
      }
    },
    { connection: bullConnection(host), prefix: bullPrefix(prefix), concurrency: maxJobs, lockDuration: leaseMs, stalledInterval: leaseMs, maxStalledCount, autorun: true },
  );
  worker.on('error', onError);
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    id,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        forwarding?.unsubscribe();
        await runtime.shutdown({ drainTimeout: 0 });
        await Promise.all([control.close(), bridge.close(), store.close()]);
      })()),
  };
}
