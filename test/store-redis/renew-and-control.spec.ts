import { afterAll, describe, expect, it } from 'vitest';
import { RedisControlChannel, RedisJobStore } from '../../src/store-redis/index.js';
import { expectRejectCode } from '../helpers/errors.js';
import { redisServerForSuite } from '../helpers/redis-server.js';

// RedisJobStore.renew (a lease extended without a new fence) and RedisControlChannel (per-job
// mailboxes announced over pub/sub), the two pieces the distributed runtime adds to the store.

const server = await redisServerForSuite();
const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open) await o.close();
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RedisJobStore.renew', () => {
  it('extends the current lease without a new fence, and fails once the lease was taken over', async () => {
    const store = new RedisJobStore({ connection: server.url, prefix: 'renew' });
    open.push(store);
    const lease = (await store.acquire('j1', 'a', 300))!;
    expect(await store.renew(lease, 300)).toBe(true);
    await sleep(200);
    expect(await store.renew(lease, 300)).toBe(true); // still a's after 200 + 200 ms: renewed
    await sleep(200);
    expect(await store.acquire('j1', 'b', 300)).toBeUndefined();
    await sleep(350);
    const taken = (await store.acquire('j1', 'b', 300))!;
    expect(taken.fence).toBe(lease.fence + 1);
    expect(await store.renew(lease, 300)).toBe(false);
    expect(await store.renew(taken, 300)).toBe(true);
    await expectRejectCode(store.renew({ jobId: 'j1', fence: 0 }, 300), 'INVALID_ARGUMENT');
    await expectRejectCode(store.renew(taken, 0), 'INVALID_ARGUMENT');
  });
});

describe('RedisControlChannel', () => {
  it('keeps messages until they are taken, in order, and announces each', async () => {
    const sender = new RedisControlChannel({ connection: server.url, prefix: 'ctl' });
    const holder = new RedisControlChannel({ connection: server.url, prefix: 'ctl' });
    open.push(sender, holder);
    await sender.send('job-1', 'first'); // nobody listens yet: it waits in the mailbox
    const announced: string[] = [];
    await holder.listen((jobId) => announced.push(jobId));
    await sender.send('job-1', 'second');
    await sender.send('job-2', 'other');
    for (let i = 0; i < 100 && announced.length < 2; i++) await sleep(10);
    expect(announced).toEqual(['job-1', 'job-2']);
    expect(await holder.take('job-1')).toEqual(['first', 'second']);
    expect(await holder.take('job-1')).toEqual([]);
    expect(await holder.take('job-2')).toEqual(['other']);
    await expect(holder.listen(() => undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
