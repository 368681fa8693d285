import type { Redis } from 'ioredis';

/** What {@link readRedisSettings} found: the server's version and durability settings, and what is wrong with them. */
export interface RedisSettingsReport {
  /** `redis_version` of INFO server. */
  readonly version: string;
  /** `appendonly` (`'yes'` required), or `undefined` when CONFIG GET is not allowed. */
  readonly appendonly: string | undefined;
  /** `appendfsync` (`'everysec'` or `'always'`), or `undefined` when CONFIG GET is not allowed. */
  readonly appendfsync: string | undefined;
  /** `maxmemory-policy` (`'noeviction'` required), or `undefined` when CONFIG GET is not allowed. */
  readonly maxmemoryPolicy: string | undefined;
  /** One sentence per setting that breaks the store's guarantee; empty when all is well. */
  readonly problems: readonly string[];
}

async function configGet(client: Redis, name: string): Promise<string | undefined> {
  try {
    const reply = (await client.config('GET', name)) as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}

/**
 * Reads the settings the Redis job store relies on (docs/distributed.md): Redis 7 or
 * later, `appendonly yes` (acknowledged commits survive a Redis restart) and
 * `maxmemory-policy noeviction` (Redis never drops a job's keys to make room).
 */
export async function readRedisSettings(client: Redis): Promise<RedisSettingsReport> {
  const info = await client.info('server');
  const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
  const [appendonly, appendfsync, maxmemoryPolicy] = await Promise.all([configGet(client, 'appendonly'), configGet(client, 'appendfsync'), configGet(client, 'maxmemory-policy')]);
  const problems: string[] = [];
  const major = Number(version.split('.')[0]);
  if (!(major >= 7)) problems.push(`Redis ${version} is too old: the store's scripts need Redis 7 or later.`);
  if (appendonly === undefined) problems.push('appendonly could not be read (CONFIG GET is not allowed): make sure it is yes.');
  else if (appendonly !== 'yes') problems.push(`appendonly is ${appendonly}: set appendonly yes, or a Redis restart loses every commit since the last snapshot.`);
  if (appendfsync !== undefined && appendfsync === 'no') problems.push('appendfsync is no: the operating system decides when the AOF reaches the disk; use everysec (at most 1 s lost on a power failure) or always.');
  if (maxmemoryPolicy === undefined) problems.push('maxmemory-policy could not be read (CONFIG GET is not allowed): make sure it is noeviction.');
  else if (maxmemoryPolicy !== 'noeviction') problems.push(`maxmemory-policy is ${maxmemoryPolicy}: set noeviction, or Redis may evict a job's keys when memory runs out.`);
  return { version, appendonly, appendfsync, maxmemoryPolicy, problems };
}
