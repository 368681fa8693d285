import type { Redis } from 'ioredis';
import { ErrorCode, InvalidArgumentError, checkStoreName } from '../index.js';
import { type RedisConnection, type StoreClient, openStoreClient, redisError } from './connection.js';
import { checkPrefix, jobKey } from './keys.js';

/** Options of {@link RedisControlChannel}. */
export interface RedisControlChannelOptions {
  /** A `redis://` URL, ioredis options, or an ioredis client (not closed by the channel; it subscribes on a duplicate). */
  readonly connection: RedisConnection;
  /** Key prefix, default `'routilux'` (the job store's). */
  readonly prefix?: string;
}

/**
 * Durable per-job mailboxes for control messages (pause, resume, cancel, post) between
 * processes. A message is appended to the job's list `<job key>:ctl` and announced on the
 * channel `<prefix>:ctl`; the process that holds the job takes the whole list at once. A
 * message sent while no process holds the job waits in its list until one does, so nothing
 * is lost when the announcement is missed. Messages are JSON text; the channel never reads
 * them.
 */
export class RedisControlChannel {
  /** The key prefix. */
  readonly prefix: string;
  readonly #redis: StoreClient;
  #sub: Redis | undefined;
  #closed = false;

  constructor(options: RedisControlChannelOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RedisControlChannel needs options { connection, prefix? }.');
    this.prefix = checkPrefix(options.prefix ?? 'routilux');
    this.#redis = openStoreClient(options.connection);
  }

  /** Appends `message` to job `jobId`'s mailbox and announces it; resolves once Redis has stored it. */
  async send(jobId: string, message: string): Promise<void> {
    checkStoreName(jobId, 'control send: jobId');
    const client = this.#redis.client;
    try {
      await client.multi().rpush(this.#box(jobId), message).publish(this.#channel, jobId).exec();
    } catch (error) {
      throw redisError(error, this.#redis.where, jobId);
    }
  }

  /** Takes every message waiting for job `jobId`, oldest first (the mailbox is emptied in the same step). */
  async take(jobId: string): Promise<string[]> {
    checkStoreName(jobId, 'control take: jobId');
    const box = this.#box(jobId);
    try {
      const replies = await this.#redis.client.multi().lrange(box, 0, -1).del(box).exec();
      const first = replies?.[0];
      if (first === undefined || first[0] !== null) throw first?.[0] ?? new Error('MULTI was discarded');
      return first[1] as string[];
    } catch (error) {
      throw redisError(error, this.#redis.where, jobId);
    }
  }

  /** Calls `listener(jobId)` for every announcement; resolves once Redis confirmed the subscription. */
  async listen(listener: (jobId: string) => void): Promise<void> {
    if (this.#sub !== undefined) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RedisControlChannel.listen: already listening; one listener per channel.');
    const sub = this.#redis.client.duplicate({ connectionName: 'routilux-control' });
    sub.on('error', () => undefined);
    this.#sub = sub;
    sub.on('message', (channel: string, jobId: string) => {
      if (channel === this.#channel) listener(jobId);
    });
    try {
      await sub.subscribe(this.#channel);
    } catch (error) {
      throw redisError(error, this.#redis.where);
    }
  }

  /** Closes the channel's connections; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sub = this.#sub;
    if (sub !== undefined) sub.disconnect();
    if (this.#redis.owned) {
      try {
        await this.#redis.client.quit();
      } catch {
        this.#redis.client.disconnect();
      }
    }
  }

  get #channel(): string {
    return `${this.prefix}:ctl`;
  }

  #box(jobId: string): string {
    return `${jobKey(this.prefix, jobId)}:ctl`;
  }
}
