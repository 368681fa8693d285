import type { Redis } from 'ioredis';
import {
  ErrorCode,
  ExecutionError,
  InvalidArgumentError,
  StoreError,
  checkActivationCommit,
  checkLeaseRequest,
  checkListQuery,
  checkOptionalFlow,
  checkRetention,
  checkStoreName,
  checkStoredJob,
  commitKey,
  copyStoredJson,
} from '../index.js';
import type { ActivationCommit, Clock, JobLease, JobPage, JobStore, ListJobsQuery, RetentionOptions, SerializedJobState, StoredJson } from '../index.js';
import { type RedisConnection, type StoreClient, openStoreClient, redisError } from './connection.js';
import { type ReadReply, decodeDocument } from './decode.js';
import { commitArgs, documentArgs, summaryArgs } from './encode.js';
import { checkPrefix, jobKey, parseFinishedMember, updatedKeyOfMs } from './keys.js';
import { listPage } from './listing.js';
import { COMMIT_SCRIPT } from './lua/commit.js';
import { DELETE_SCRIPT } from './lua/delete.js';
import { DOCUMENT_SCRIPT } from './lua/document.js';
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from './lua/lease.js';
import { READ_SCRIPT } from './lua/read.js';
import { LuaScript } from './lua-script.js';
import { type RedisSettingsReport, readRedisSettings } from './settings.js';

/** Options of {@link RedisJobStore}. */
export interface RedisJobStoreOptions {
  /** A `redis://` URL, ioredis options, or an ioredis client (which the store then does not close). */
  readonly connection: RedisConnection;
  /** Key prefix, default `'routilux'`: stores with different prefixes share a Redis without seeing each other. */
  readonly prefix?: string;
  /** Which finished jobs to keep. */
  readonly retention?: RetentionOptions;
  /** Time source for retention by age (default: the system clock). Leases expire by the Redis server's clock. */
  readonly clock?: Pick<Clock, 'now'>;
}

const SCRIPTS = {
  commit: new LuaScript(COMMIT_SCRIPT),
  document: new LuaScript(DOCUMENT_SCRIPT),
  read: new LuaScript(READ_SCRIPT),
  acquire: new LuaScript(ACQUIRE_SCRIPT),
  release: new LuaScript(RELEASE_SCRIPT),
  renew: new LuaScript(RENEW_SCRIPT),
  delete: new LuaScript(DELETE_SCRIPT),
};

type Reply = readonly string[];

function staleWrite(jobId: string, fence: number, current: string): StoreError {
  return new StoreError(ErrorCode.STALE_WRITE, `Job ${jobId}: write with lease fence ${fence} refused; a newer lease (fence ${current}) was taken since, so this writer no longer owns the job.`, {
    details: { jobId, fence, current: Number(current) },
  });
}

/**
 * The {@link JobStore} on Redis, for jobs shared by several processes and hosts. A job is a
 * head hash plus one hash per keyed map and one list per list field; every write (create,
 * put, an activation commit, a lease) is one Lua script, so the state change, the appended
 * items, the consumed and the produced tasks and the commit's idempotency key are applied
 * together or not at all. Requires Redis 7 with `appendonly yes` and
 * `maxmemory-policy noeviction` (see docs/distributed.md).
 *
 * @example
 * const store = new RedisJobStore({ connection: 'redis://127.0.0.1:6379', prefix: 'orders' });
 */
export class RedisJobStore implements JobStore {
  /** The key prefix. */
  readonly prefix: string;
  readonly #redis: StoreClient;
  readonly #retention: { readonly maxCount?: number; readonly maxAgeMs?: number };
  readonly #now: () => number;
  #closed = false;

  constructor(options: RedisJobStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RedisJobStore needs options { connection, prefix?, retention? }.');
    this.prefix = checkPrefix(options.prefix ?? 'routilux');
    this.#retention = checkRetention(options.retention);
    const clock = options.clock;
    this.#now = clock === undefined ? Date.now : () => clock.now();
    this.#redis = openStoreClient(options.connection);
  }

  /** The ioredis client the store talks through (for tooling and tests; do not write the store's keys with it). */
  get client(): Redis {
    return this.#redis.client;
  }

  /**
   * Reads the Redis settings the store's guarantee depends on (version 7+, `appendonly yes`,
   * `maxmemory-policy noeviction`); `problems` lists what to change. Call it when a process
   * starts and refuse to run, or warn, when it is not empty.
   */
  async checkSettings(): Promise<RedisSettingsReport> {
    this.#open();
    return this.#call(() => readRedisSettings(this.#redis.client));
  }

  async create(job: SerializedJobState, options: { readonly flow?: string } = {}): Promise<void> {
    const doc = checkStoredJob(job, 'create: job document');
    const flow = checkOptionalFlow(options);
    const reply = await this.#run('document', doc.jobId, ['create', '', ...summaryArgs(doc, flow), ...documentArgs(doc)]);
    if (reply[0] === 'exists') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `create: job ${doc.jobId} already exists in the store; use put to replace it.`, { details: { jobId: doc.jobId } });
    if (reply[1] === '1') await this.#applyRetention();
  }

  async load(jobId: string): Promise<SerializedJobState | undefined> {
    checkStoreName(jobId, 'load: jobId');
    this.#open();
    let reply: unknown;
    try {
      reply = await SCRIPTS.read.run(this.#redis.client, [jobKey(this.prefix, jobId)], []);
    } catch (error) {
      throw redisError(error, this.#redis.where, jobId);
    }
    return reply === null ? undefined : decodeDocument(jobId, reply as ReadReply);
  }

  async commit(commit: ActivationCommit): Promise<boolean> {
    const checked = checkActivationCommit(commit);
    const reply = await this.#run('commit', checked.jobId, commitArgs(checked, commitKey(checked)));
    switch (reply[0]) {
      case 'ok':
        if (reply[1] === '1') await this.#applyRetention();
        return true;
      case 'dup':
        return false;
      case 'nojob':
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${checked.jobId}: the store has no such job; create it first.`, { details: { jobId: checked.jobId } });
      case 'stale':
        throw staleWrite(checked.jobId, checked.fence!, reply[1]!);
      default: {
        const [, what, field, index] = reply;
        const path = what === 'produced' ? `produced[${index}]` : `changes.${what}.${field}`;
        const message =
          what === 'produced'
            ? `produced[${index}]: task ${field} is already pending (consume it in the same commit to replace it).`
            : `changes.${what}.${field}: the job's ${field} is not a ${what === 'entries' ? 'keyed map' : 'list'}.`;
        throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Commit for job ${checked.jobId}: ${message}`, { details: { jobId: checked.jobId, path } });
      }
    }
  }

  async put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number } = {}): Promise<void> {
    const doc = checkStoredJob(job, 'put: job document');
    const flow = checkOptionalFlow(options);
    const fence = (options as { fence?: unknown }).fence;
    if (fence !== undefined && (!Number.isInteger(fence) || (fence as number) < 0)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `put: fence must be an integer >= 0; got ${String(fence)}.`, { details: { jobId: doc.jobId } });
    }
    const reply = await this.#run('document', doc.jobId, ['put', fence === undefined ? '' : String(fence), ...summaryArgs(doc, flow), ...documentArgs(doc)]);
    if (reply[0] === 'stale') throw staleWrite(doc.jobId, fence as number, reply[1]!);
    if (reply[1] === '1') await this.#applyRetention();
  }

  async acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    checkLeaseRequest(jobId, owner, ttlMs);
    this.#open();
    const base = jobKey(this.prefix, jobId);
    try {
      const fence = await SCRIPTS.acquire.run(this.#redis.client, [`${base}:lease`, `${base}:fence`], [owner, String(Math.ceil(ttlMs))]);
      return fence === null ? undefined : { jobId, fence: Number(fence) };
    } catch (error) {
      throw redisError(error, this.#redis.where, jobId);
    }
  }

  async release(lease: JobLease): Promise<void> {
    checkStoreName(lease?.jobId, 'release: lease.jobId');
    this.#open();
    try {
      await SCRIPTS.release.run(this.#redis.client, [`${jobKey(this.prefix, lease.jobId)}:lease`], [String(lease.fence)]);
    } catch (error) {
      throw redisError(error, this.#redis.where, lease.jobId);
    }
  }

  /**
   * Extends `lease` by `ttlMs` from now (Redis server time) while it is still the job's
   * current lease; `false` when it was taken over or released (its holder has lost the job
   * and its writes are refused with `STALE_WRITE`). Unlike {@link RedisJobStore.acquire},
   * the fence stays the same, so the holder's commits in flight stay valid.
   */
  async renew(lease: JobLease, ttlMs: number): Promise<boolean> {
    checkStoreName(lease?.jobId, 'renew: lease.jobId');
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `renew: ttlMs must be a finite number of milliseconds > 0; got ${String(ttlMs)}.`, { details: { jobId: lease.jobId } });
    if (!Number.isInteger(lease.fence) || lease.fence < 1) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `renew: lease.fence must be an integer >= 1 (from acquire); got ${String(lease.fence)}.`, { details: { jobId: lease.jobId } });
    this.#open();
    try {
      const reply = await SCRIPTS.renew.run(this.#redis.client, [`${jobKey(this.prefix, lease.jobId)}:lease`], [String(lease.fence), String(Math.ceil(ttlMs))]);
      return Number(reply) === 1;
    } catch (error) {
      throw redisError(error, this.#redis.where, lease.jobId);
    }
  }

  async listUnfinished(): Promise<readonly string[]> {
    this.#open();
    return this.#call(() => this.#redis.client.zrange(`${this.prefix}:unfinished`, '0', '-1'));
  }

  async listJobs(query?: ListJobsQuery): Promise<JobPage> {
    const q = checkListQuery(query);
    this.#open();
    await this.#applyRetention();
    return this.#call(() => listPage(this.#redis.client, this.prefix, q));
  }

  async getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.load(jobId);
  }

  async deleteJob(jobId: string): Promise<boolean> {
    checkStoreName(jobId, 'deleteJob: jobId');
    const reply = await this.#run('delete', jobId, []);
    if (reply[0] === 'live') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `deleteJob: job ${jobId} is ${reply[1]}; only a completed, failed or cancelled job can be deleted (cancel it first).`, { details: { jobId, status: reply[1] } });
    }
    return reply[0] === 'ok';
  }

  async putFlow(name: string, document: StoredJson): Promise<void> {
    checkStoreName(name, 'putFlow: name');
    const text = JSON.stringify(copyStoredJson(document, `putFlow: flow ${name}`));
    this.#open();
    await this.#call(() => this.#redis.client.hset(`${this.prefix}:flows`, name, text));
  }

  async deleteFlow(name: string): Promise<boolean> {
    checkStoreName(name, 'deleteFlow: name');
    this.#open();
    return (await this.#call(() => this.#redis.client.hdel(`${this.prefix}:flows`, name))) > 0;
  }

  async listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    this.#open();
    const all = await this.#call(() => this.#redis.client.hgetall(`${this.prefix}:flows`));
    return Object.keys(all)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => {
        try {
          return { name, document: JSON.parse(all[name]!) as StoredJson };
        } catch (cause) {
          throw new StoreError(ErrorCode.CORRUPT_STATE, `Flow document ${name} in the Redis store is not valid JSON; register the flow again.`, { cause, details: { flow: name } });
        }
      });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#redis.owned) return;
    try {
      await this.#redis.client.quit();
    } catch {
      this.#redis.client.disconnect();
    }
  }

  #open(): void {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, `This RedisJobStore (prefix ${this.prefix}) is closed; create a new store.`);
  }

  async #call<T>(fn: () => Promise<T>, jobId?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw redisError(error, this.#redis.where, jobId);
    }
  }

  /** Runs a job script: KEYS = the job's head key, ARGV = the prefix then `args`. */
  async #run(script: 'commit' | 'document' | 'delete', jobId: string, args: readonly string[]): Promise<Reply> {
    this.#open();
    return (await this.#call(() => SCRIPTS[script].run(this.#redis.client, [jobKey(this.prefix, jobId)], [this.prefix, ...args]), jobId)) as Reply;
  }

  /** Deletes the finished jobs retention no longer keeps: beyond the newest maxCount, or last updated before maxAgeMs ago. */
  async #applyRetention(): Promise<void> {
    const { maxCount, maxAgeMs } = this.#retention;
    if (maxCount === undefined && maxAgeMs === undefined) return;
    const index = `${this.prefix}:finished`;
    const victims = new Set<string>();
    const client = this.#redis.client;
    if (maxCount !== undefined) for (const m of await this.#call(() => client.zrevrangebylex(index, '+', '-', 'LIMIT', maxCount, 1_000_000))) victims.add(parseFinishedMember(m));
    if (maxAgeMs !== undefined) for (const m of await this.#call(() => client.zrangebylex(index, '-', `(${updatedKeyOfMs(this.#now() - maxAgeMs)}`))) victims.add(parseFinishedMember(m));
    for (const jobId of victims) await this.#run('delete', jobId, []);
  }
}
