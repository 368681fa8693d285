import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/index.js';
import { RedisJobStore } from '../../src/store-redis/index.js';
import { jobDoc, task } from '../../src/testing/store-conformance/fixtures.js';
import { commitArbitrary, outcome } from '../helpers/commit-arbitrary.js';
import { redisServerForSuite } from '../helpers/redis-server.js';

// The Redis store applies a commit in Lua, field by field, on JSON text it never decodes;
// the memory store applies it to the whole document. Random commit sequences must leave
// both with the same answers and documents, down to the last bit of a double and every
// UTF-16 code unit of a string.

const server = await redisServerForSuite();
const stores: RedisJobStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});
let n = 0;

const exact = [
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 60, 5e-324, 0.1 + 0.2, 'a\u0000b', '\ud800', '😀:M', 'M', 'L', '1:L'),
];
const commit = commitArbitrary(exact);

describe('RedisJobStore and MemoryJobStore apply commits alike', () => {
  it('gives the same answers and documents for random commit sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commit, { minLength: 1, maxLength: 12 }), async (commits) => {
        const memory = new MemoryJobStore();
        const redis = new RedisJobStore({ connection: server.url, prefix: `eq${++n}` });
        stores.push(redis);
        const start = jobDoc('j', { pendingTasks: [task('t1'), task('t2')], slotBuffers: [{ routineId: 'agg', slotName: 'in', data: { xs: [0] } }] });
        await memory.create(start);
        await redis.create(start);
        for (const c of commits) {
          expect(await outcome(redis, c)).toBe(await outcome(memory, c));
          expect(await redis.load('j')).toEqual(await memory.load('j'));
        }
      }),
      { numRuns: 60, seed: 20261202 },
    );
  });

  it('keeps field and entry order as the memory store does (JSON text identical)', async () => {
    const memory = new MemoryJobStore();
    const redis = new RedisJobStore({ connection: server.url, prefix: `eq${++n}` });
    stores.push(redis);
    const start = jobDoc('j', { sharedData: { z: 1, a: 2, m: { deep: [1, { x: 'y' }] } }, custom: 'last' } as never);
    await memory.create(start);
    await redis.create(start);
    const c = { jobId: 'j', taskId: 't1', attempt: 1, changes: { set: { later: 1 }, entries: { sharedData: { a: null, b: 3, z: 9 } } }, produced: [task('t5'), task('t3')], consumed: ['t1'] };
    await memory.commit(c);
    await redis.commit(c);
    expect(JSON.stringify(await redis.load('j'))).toBe(JSON.stringify(await memory.load('j')));
  });
});
