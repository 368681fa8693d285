import { Redis, type RedisOptions } from 'ioredis';
import { ErrorCode, InvalidArgumentError, StoreError, isRoutiluxError } from '../index.js';

/** How a Redis store reaches Redis: a `redis://` URL, ioredis options, or an ioredis client the caller owns. */
export type RedisConnection = string | RedisOptions | Redis;

/** The client a store talks through, and whether the store created it (and so closes it). */
export interface StoreClient {
  readonly client: Redis;
  readonly owned: boolean;
  /** Where the store connects, for messages (`host:port`). */
  readonly where: string;
}

/**
 * Defaults of a client the store creates: a command waits through one reconnection attempt
 * and then fails (the engine retries with backoff), and a command whose reply was lost is
 * not sent again behind the caller's back.
 */
const STORE_CLIENT_DEFAULTS: RedisOptions = { maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false, connectionName: 'routilux-store' };

function isClient(value: unknown): value is Redis {
  return typeof value === 'object' && value !== null && typeof (value as Redis).evalsha === 'function' && typeof (value as Redis).duplicate === 'function';
}

/** Opens the store's client: the caller's own, or a new one from a URL or options. */
export function openStoreClient(connection: RedisConnection | undefined): StoreClient {
  if (isClient(connection)) return { client: connection, owned: false, where: `${connection.options.host ?? '?'}:${connection.options.port ?? '?'}` };
  let client: Redis;
  if (typeof connection === 'string') {
    if (!/^rediss?:\/\//.test(connection)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `RedisJobStore: connection ${JSON.stringify(connection.slice(0, 60))} is not a redis:// or rediss:// URL.`, { details: { path: 'connection' } });
    client = new Redis(connection, STORE_CLIENT_DEFAULTS);
  } else if (typeof connection === 'object' && connection !== null) {
    client = new Redis({ ...STORE_CLIENT_DEFAULTS, ...connection });
  } else {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RedisJobStore needs { connection }: a redis:// URL, ioredis options or an ioredis client.', { details: { path: 'connection' } });
  }
  // A client that cannot reach Redis emits 'error' on every attempt; the failed commands report it.
  client.on('error', () => undefined);
  return { client, owned: true, where: `${client.options.host ?? '?'}:${client.options.port ?? '?'}` };
}

/**
 * Turns a failure talking to Redis into the store's typed errors: routilux errors pass
 * through; Redis out of memory → `STORE_UNAVAILABLE` (nothing written); a key of the wrong
 * type under job `jobId` → `CORRUPT_STATE` naming it; anything else (connection refused or
 * lost, loading, read-only replica) → `STORE_UNAVAILABLE`, the operation possibly applied.
 */
export function redisError(error: unknown, where: string, jobId?: string): unknown {
  if (isRoutiluxError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const details = { redis: where, ...(jobId !== undefined ? { jobId } : {}) };
  if (message.startsWith('OOM')) {
    return new StoreError(ErrorCode.STORE_UNAVAILABLE, `Redis at ${where} is out of memory (maxmemory reached, policy noeviction): nothing was written. Raise maxmemory or delete finished jobs (retention).`, { cause: error, details });
  }
  if (message.startsWith('WRONGTYPE') && jobId !== undefined) {
    return new StoreError(ErrorCode.CORRUPT_STATE, `Job ${jobId} cannot be used in the Redis store: one of its keys holds the wrong type (${message}). The other jobs are unaffected; delete this job's keys.`, { cause: error, details });
  }
  return new StoreError(ErrorCode.STORE_UNAVAILABLE, `Redis at ${where} failed (${message}); the operation may or may not have been applied. Check that Redis is up and retry (commits are idempotent).`, { cause: error, details });
}
