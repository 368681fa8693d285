import { afterAll } from 'vitest';
import type { JobStore, RetentionOptions } from '../../src/index.js';
import { RedisJobStore } from '../../src/store-redis/index.js';
import { jobKey } from '../../src/store-redis/keys.js';
import { describeJobStoreConformance } from '../../src/testing/index.js';
import { redisServerForSuite } from '../helpers/redis-server.js';

// The JobStore conformance suite against a real redis-server (Debian's package, started on
// a free loopback port); each test gets a fresh, empty prefix of the same server.

const server = await redisServerForSuite();
let n = 0;
const reopened: RedisJobStore[] = [];
afterAll(async () => {
  for (const s of reopened) await s.close();
});

/** Closes the store's client and opens a new store on the same Redis and prefix. */
async function reopen(store: JobStore): Promise<JobStore> {
  const s = store as RedisJobStore;
  await s.close();
  const again = new RedisJobStore({ connection: server.url, prefix: s.prefix });
  reopened.push(again);
  return again;
}

/** Writes text that is not JSON into the job's pending-task entry, behind the store's back. */
async function tearTask(store: JobStore, jobId: string): Promise<JobStore> {
  const s = store as RedisJobStore;
  const key = `${jobKey(s.prefix, jobId)}:m:pendingTasks`;
  const [field] = await s.client.hkeys(key);
  await s.client.hset(key, field!, '1:{"taskId":"t1","rou');
  return s;
}

describeJobStoreConformance('RedisJobStore', (options: { retention?: RetentionOptions } = {}) => new RedisJobStore({ connection: server.url, prefix: `conformance${++n}`, ...options }), {
  reopen,
  corrupt: tearTask,
});
