import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisJobStore } from '../../src/store-redis/index.js';
import { commitOf, jobDoc, rejection, task } from '../../src/testing/store-conformance/fixtures.js';
import { COMMIT_SCRIPT } from '../../src/store-redis/lua/commit.js';
import { LuaScript } from '../../src/store-redis/lua-script.js';
import { freePort, redisServerForSuite } from '../helpers/redis-server.js';

// Key prefixes keep stores on one Redis apart; job ids cannot reach each other's keys; the
// scripts survive a script-cache flush; settings are reported; a Redis that is down gives
// STORE_UNAVAILABLE, never a silent success.

const server = await redisServerForSuite();
const open: Array<{ close(): Promise<unknown> }> = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

function store(prefix: string): RedisJobStore {
  const s = new RedisJobStore({ connection: server.url, prefix });
  open.push(s);
  return s;
}

describe('RedisJobStore key prefixes', () => {
  it('keeps two stores on one Redis apart: same job ids, flows and leases, nothing shared', async () => {
    const a = store('iso-a');
    const b = store('iso-ab'); // a prefix that starts with the other's
    await a.create(jobDoc('j1', { sharedData: { who: 'a' } }), { flow: 'orders' });
    await b.create(jobDoc('j1', { sharedData: { who: 'b' }, status: 'completed' }), { flow: 'billing' });
    expect(await a.commit(commitOf('j1', 't1', { changes: { entries: { sharedData: { n: 1 } } } }))).toBe(true);
    expect(await b.commit(commitOf('j1', 't1', { changes: { entries: { sharedData: { n: 2 } } } }))).toBe(true);
    expect((await a.load('j1'))?.sharedData).toEqual({ who: 'a', n: 1 });
    expect((await b.load('j1'))?.sharedData).toEqual({ who: 'b', n: 2 });
    expect(await a.listUnfinished()).toEqual(['j1']);
    expect(await b.listUnfinished()).toEqual([]);
    expect((await a.listJobs()).items.map((j) => [j.jobId, j.flow])).toEqual([['j1', 'orders']]);
    expect((await b.listJobs()).items.map((j) => [j.jobId, j.flow])).toEqual([['j1', 'billing']]);
    await a.putFlow('orders', { v: 'a' });
    expect(await b.listFlows()).toEqual([]);
    const leaseA = await a.acquire('j1', 'runtime-a', 60_000);
    const leaseB = await b.acquire('j1', 'runtime-b', 60_000);
    expect(leaseA?.fence).toBe(1);
    expect(leaseB?.fence).toBe(1);
    expect(await b.deleteJob('j1')).toBe(true);
    expect(await a.load('j1')).toBeDefined();
    const keys = await a.client.keys('*');
    expect(keys.every((k) => k.startsWith('iso-a:') || k.startsWith('iso-ab:') || !k.startsWith('iso-'))).toBe(true);
    expect(keys.filter((k) => k.startsWith('iso-ab:'))).toEqual(['iso-ab:seq']); // b deleted its only job and has no flows
  });

  it('keeps job ids that look like key suffixes apart', async () => {
    const s = store('iso-ids');
    const ids = ['a', 'a:meta', 'a:m:sharedData', '1:a', 'ü', 'a:l:sharedLog'];
    for (const id of ids) await s.create(jobDoc(id, { sharedData: { id }, sharedLog: [id] }));
    for (const id of ids) expect(await s.commit(commitOf(id, 't1', { changes: { entries: { sharedData: { seen: id } }, append: { sharedLog: [id] } } }))).toBe(true);
    for (const id of ids) {
      const doc = await s.load(id);
      expect(doc?.sharedData).toEqual({ id, seen: id });
      expect(doc?.sharedLog).toEqual([id, id]);
    }
    expect([...(await s.listUnfinished())]).toEqual(ids);
  });

  it('refuses a prefix that could overlap another or is not a plain name', () => {
    for (const prefix of ['', 'a:b', 'has space', 'x'.repeat(65), 7]) {
      expect(() => new RedisJobStore({ connection: server.url, prefix: prefix as never }), String(prefix)).toThrow(/prefix must be/);
    }
  });
});

describe('RedisJobStore scripts and settings', () => {
  it('runs its scripts again after Redis forgot them (SCRIPT FLUSH): EVALSHA falls back to EVAL', async () => {
    const s = store('iso-flush');
    await s.create(jobDoc('j1'));
    await s.client.script('FLUSH');
    expect(await s.commit(commitOf('j1', 't1', { produced: [task('t2')] }))).toBe(true);
    expect(await s.client.script('EXISTS', new LuaScript(COMMIT_SCRIPT).sha)).toEqual([1]);
    await s.client.script('FLUSH');
    expect((await s.load('j1'))?.pendingTasks.map((t) => t.taskId)).toEqual(['t2']);
  });

  it('reports the settings it relies on, and what is wrong with them', async () => {
    const s = store('iso-settings');
    const ok = await s.checkSettings();
    expect(ok).toMatchObject({ appendonly: 'yes', maxmemoryPolicy: 'noeviction', problems: [] });
    expect(Number(ok.version.split('.')[0])).toBeGreaterThanOrEqual(7);
    await s.client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const bad = await s.checkSettings();
      expect(bad.problems).toHaveLength(1);
      expect(bad.problems[0]).toMatch(/maxmemory-policy is allkeys-lru: set noeviction/);
    } finally {
      await s.client.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('uses a client it is given without closing it', async () => {
    const client = new Redis(server.url);
    open.push({ close: () => client.quit() });
    const s = new RedisJobStore({ connection: client, prefix: 'iso-given' });
    await s.create(jobDoc('j1'));
    await s.close();
    expect(await client.ping()).toBe('PONG');
    expect((await rejection(s.load('j1'))).code).toBe('INVALID_STATE');
  });

  it('fails with STORE_UNAVAILABLE when Redis cannot be reached, and refuses a bad connection', async () => {
    const port = await freePort();
    const s = new RedisJobStore({ connection: `redis://127.0.0.1:${port}`, prefix: 'down' });
    open.push(s);
    const create = await rejection(s.create(jobDoc('j1')));
    expect(create.code).toBe('STORE_UNAVAILABLE');
    expect(create.message).toContain(`127.0.0.1:${port}`);
    expect((await rejection(s.commit(commitOf('j1', 't1')))).code).toBe('STORE_UNAVAILABLE');
    expect((await rejection(s.listJobs())).code).toBe('STORE_UNAVAILABLE');
    expect(() => new RedisJobStore({ connection: 'http://127.0.0.1:1' })).toThrow(/not a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => new RedisJobStore({} as never)).toThrow(/needs \{ connection \}/);
  });

  it('fails with STORE_UNAVAILABLE, writing nothing, when Redis is out of memory (noeviction)', async () => {
    const s = store('iso-oom');
    await s.create(jobDoc('j1'));
    const before = await s.load('j1');
    const used = Number(/used_memory:(\d+)/.exec(await s.client.info('memory'))![1]);
    await s.client.config('SET', 'maxmemory', String(used));
    try {
      const err = await rejection(s.commit(commitOf('j1', 't1', { changes: { entries: { sharedData: { big: 'x'.repeat(100_000) } } } })));
      expect(err.code).toBe('STORE_UNAVAILABLE');
      expect(err.message).toMatch(/out of memory/);
    } finally {
      await s.client.config('SET', 'maxmemory', '256mb');
    }
    expect(await s.load('j1')).toEqual(before);
    expect(await s.commit(commitOf('j1', 't1'))).toBe(true);
  });
});

describe('RedisJobStore large commits', () => {
  it('consumes, produces and appends 20,000 items in one commit', async () => {
    const s = store('iso-large');
    const many = Array.from({ length: 20_000 }, (_, i) => task(`p${i}`));
    await s.create(jobDoc('j1', { pendingTasks: many, historyLimit: 50_000 }));
    const items = Array.from({ length: 20_000 }, (_, i) => ({ i }));
    expect(await s.commit(commitOf('j1', 't1', { consumed: many.map((t) => t.taskId), produced: [task('last')], changes: { append: { sharedLog: items, executionHistory: items } } }))).toBe(true);
    const doc = await s.load('j1');
    expect(doc?.pendingTasks.map((t) => t.taskId)).toEqual(['last']);
    expect(doc?.sharedLog).toHaveLength(20_000);
    expect(doc?.executionHistory).toHaveLength(20_001);
  });
});
