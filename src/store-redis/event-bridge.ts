import type { Redis } from 'ioredis';
import { ErrorCode, ExecutionError, InvalidArgumentError, SerializationError, checkStoreName } from '../index.js';
import type { RoutiluxEvent } from '../index.js';
import { type RedisConnection, type StoreClient, openStoreClient, redisError } from './connection.js';
import { checkPrefix } from './keys.js';

/** Options of {@link RedisEventBridge}. */
export interface RedisEventBridgeOptions {
  /** A `redis://` URL, ioredis options, or an ioredis client (which the bridge then does not close; it subscribes on a duplicate). */
  readonly connection: RedisConnection;
  /** Channel prefix, default `'routilux'` (the same as the job store's, to keep one application's channels together). */
  readonly prefix?: string;
  /** Called with a publish that failed, a message that is not an event, or a listener that threw (default: ignored). */
  readonly onError?: (error: unknown) => void;
}

/** What {@link RedisEventBridge.forward} reads: `runtime.events$`, `flow.events$`, or anything with the same `subscribe`. */
export interface RoutiluxEventSource {
  subscribe(next: (event: RoutiluxEvent) => void): { unsubscribe(): void };
}

/** A live subscription of {@link RedisEventBridge.subscribe}. */
export interface RedisEventSubscription {
  /** Stops the listener; the bridge leaves the Redis channel when no listener is left on it. */
  unsubscribe(): Promise<void>;
}

type Listener = (event: RoutiluxEvent) => void;

/**
 * Carries the event stream between processes over Redis pub/sub: each `RoutiluxEvent` is
 * published as JSON on its job's channel `<prefix>:events:<byte length of id>:<jobId>`,
 * and any process may subscribe to one job or to every job of the prefix. Events of a job
 * published through one bridge arrive in the order they were published. Delivery is at
 * most once (a subscriber that is not connected misses what is published meanwhile): the
 * job store, not the stream, is the record of what happened.
 *
 * @example
 * // worker process
 * const bridge = new RedisEventBridge({ connection: url });
 * bridge.forward(runtime.events$);
 * // any other process
 * await bridge.subscribe(jobId, (event) => console.log(event.type));
 */
export class RedisEventBridge {
  /** The channel prefix. */
  readonly prefix: string;
  readonly #pub: StoreClient;
  readonly #onError: (error: unknown) => void;
  readonly #channels = new Map<string, Set<Listener>>();
  readonly #all = new Set<Listener>();
  #sub: Redis | undefined;
  #closed = false;

  constructor(options: RedisEventBridgeOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RedisEventBridge needs options { connection, prefix?, onError? }.');
    this.prefix = checkPrefix(options.prefix ?? 'routilux');
    const onError = options.onError;
    this.#onError = typeof onError === 'function' ? onError : () => undefined;
    this.#pub = openStoreClient(options.connection);
  }

  /** The ioredis client the bridge publishes through (for tooling and tests). */
  get client(): Redis {
    return this.#pub.client;
  }

  /** The channel of job `jobId`. */
  channelOf(jobId: string): string {
    return `${this.prefix}:events:${Buffer.byteLength(jobId, 'utf8')}:${jobId}`;
  }

  /** Publishes one event on its job's channel; resolves with the number of processes subscribed to it (`STORE_UNAVAILABLE` when Redis cannot be reached). */
  async publish(event: RoutiluxEvent): Promise<number> {
    this.#open();
    const channel = this.channelOf(checkStoreName(event?.jobId, 'publish: event.jobId'));
    try {
      return await this.#pub.client.publish(channel, JSON.stringify(event));
    } catch (error) {
      throw redisError(error, this.#pub.where, event.jobId);
    }
  }

  /** Publishes every event of `source` (e.g. `runtime.events$`) until the returned subscription ends; failed publishes go to `onError`, never to the job. */
  forward(source: RoutiluxEventSource): { unsubscribe(): void } {
    this.#open();
    return source.subscribe((event) => {
      this.publish(event).catch((error: unknown) => this.#onError(error));
    });
  }

  /**
   * Calls `listener` with the events of job `jobId`, or of every job of the prefix when
   * `jobId` is `null`, published from any process. Resolves once Redis has confirmed the
   * subscription, so every event published after that is delivered.
   */
  async subscribe(jobId: string | null, listener: (event: RoutiluxEvent) => void): Promise<RedisEventSubscription> {
    this.#open();
    if (typeof listener !== 'function') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'subscribe: listener must be a function (event) => void.');
    const sub = this.#subscriber();
    if (jobId === null) {
      this.#all.add(listener);
      if (this.#all.size === 1) await this.#call(() => sub.psubscribe(this.#pattern()));
      return {
        unsubscribe: async () => {
          if (this.#all.delete(listener) && this.#all.size === 0 && !this.#closed) await this.#call(() => sub.punsubscribe(this.#pattern()));
        },
      };
    }
    const channel = this.channelOf(checkStoreName(jobId, 'subscribe: jobId'));
    let set = this.#channels.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#channels.set(channel, set);
    }
    set.add(listener);
    if (set.size === 1) await this.#call(() => sub.subscribe(channel));
    return {
      unsubscribe: async () => {
        const current = this.#channels.get(channel);
        if (current === undefined || !current.delete(listener) || current.size > 0) return;
        this.#channels.delete(channel);
        if (!this.#closed) await this.#call(() => sub.unsubscribe(channel));
      },
    };
  }

  /** Closes the bridge's connections (a client given in the options stays open); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    this.#all.clear();
    const sub = this.#sub;
    this.#sub = undefined;
    await Promise.all([sub === undefined ? undefined : sub.quit().catch(() => sub.disconnect()), this.#pub.owned ? this.#pub.client.quit().catch(() => this.#pub.client.disconnect()) : undefined]);
  }

  #pattern(): string {
    return `${this.prefix}:events:*`;
  }

  #open(): void {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, `This RedisEventBridge (prefix ${this.prefix}) is closed; create a new one.`);
  }

  async #call(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      throw redisError(error, this.#pub.where);
    }
  }

  #subscriber(): Redis {
    if (this.#sub !== undefined) return this.#sub;
    const sub = this.#pub.client.duplicate();
    sub.on('error', () => undefined);
    sub.on('message', (channel: string, message: string) => this.#deliver(this.#channels.get(channel), channel, message));
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => this.#deliver(this.#all, channel, message));
    this.#sub = sub;
    return sub;
  }

  #deliver(listeners: ReadonlySet<Listener> | undefined, channel: string, message: string): void {
    if (listeners === undefined || listeners.size === 0) return;
    let event: RoutiluxEvent;
    try {
      event = JSON.parse(message) as RoutiluxEvent;
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || typeof event.jobId !== 'string' || this.channelOf(event.jobId) !== channel) throw new Error('not an event of this channel');
    } catch (cause) {
      this.#onError(new SerializationError(ErrorCode.INVALID_FORMAT, `Message on ${channel} is not a RoutiluxEvent of that job (${message.slice(0, 80)}); only RedisEventBridge.publish should write to these channels.`, { cause, details: { channel } }));
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
