import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivationCommit } from '../../src/index.js';
import { RedisJobStore } from '../../src/store-redis/index.js';
import { commitOf, jobDoc } from '../../src/testing/store-conformance/fixtures.js';
import { type TestRedisServer, startRedisServer } from '../helpers/redis-server.js';

// Reliability row F15, the store's half: Redis is killed with SIGKILL in the middle of a
// stream of commits and started again on the same AOF. Every commit the store
// acknowledged is still there (and its idempotency key, so a retry resolves false); a
// commit in doubt (its reply lost with the connection) is retried and then applied exactly
// once; the store's client reconnects by itself.

const servers: TestRedisServer[] = [];
const stores: RedisJobStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  for (const s of servers) {
    await s.stop();
    rmSync(s.dir, { recursive: true, force: true });
  }
});

const JOBS = 8;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function commitFor(job: number, k: number): ActivationCommit {
  return commitOf(`job${job}`, `t${k}`, { consumed: [], changes: { entries: { sharedData: { [`k${k}`]: k } }, append: { sharedLog: [k] } } });
}

/** Retries `fn` until Redis answers again (bounded). */
async function untilUp<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== 'STORE_UNAVAILABLE' || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

describe.each(['everysec', 'always'] as const)('RedisJobStore across a Redis kill -9 (appendonly yes, appendfsync %s)', (appendfsync) => {
  it('keeps every acknowledged commit; commits in doubt apply exactly once when retried', async () => {
    const server = await startRedisServer({ appendfsync });
    servers.push(server);
    const store = new RedisJobStore({ connection: server.url, prefix: 'f15' });
    stores.push(store);
    for (let j = 0; j < JOBS; j++) await store.create(jobDoc(`job${j}`, { pendingTasks: [] }));

    const acked: Array<[number, number]> = [];
    const inDoubt: Array<[number, number]> = [];
    // one writer per job, each sending its next commit as soon as the last one resolved
    const writers = Array.from({ length: JOBS }, async (_, j) => {
      for (let k = 0; k < 100_000; k++) {
        try {
          expect(await store.commit(commitFor(j, k))).toBe(true);
          acked.push([j, k]);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('STORE_UNAVAILABLE');
          inDoubt.push([j, k]);
          return;
        }
      }
    });
    while (acked.length < 400) await sleep(5);
    await server.kill9();
    await Promise.all(writers);
    const ackedAtKill = acked.length;
    expect(inDoubt).toHaveLength(JOBS);

    await server.restart();
    const unfinished = await untilUp(() => store.listUnfinished());
    expect([...unfinished].sort()).toEqual(Array.from({ length: JOBS }, (_, j) => `job${j}`).sort());

    for (let j = 0; j < JOBS; j++) {
      const doc = await store.load(`job${j}`);
      const log = doc!.sharedLog as unknown as number[];
      const mine = acked.filter(([job]) => job === j).map(([, k]) => k);
      for (const k of mine) {
        expect(doc!.sharedData[`k${k}`], `job${j} commit ${k}`).toBe(k);
        expect(log, `job${j} commit ${k}`).toContain(k);
      }
      expect(new Set(log).size).toBe(log.length);
    }
    for (const [j, k] of acked.slice(-JOBS)) expect(await store.commit(commitFor(j, k))).toBe(false);
    for (const [j, k] of inDoubt) {
      await store.commit(commitFor(j, k)); // true when the reply was lost before the write, false when after
      const log = (await store.load(`job${j}`))!.sharedLog as unknown as number[];
      expect(log.filter((x) => x === k)).toHaveLength(1);
      expect(log[log.length - 1]).toBe(k);
    }
    console.log(`appendfsync ${appendfsync}: ${ackedAtKill} commits acknowledged before the kill, all ${ackedAtKill} found after the restart; ${inDoubt.length} in doubt, each applied once after a retry`);
  }, 60_000);
});
