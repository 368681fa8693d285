import { describe, expect, it } from 'vitest';
import { type Fixture, commitOf, jobDoc, rejection } from './fixtures.js';

/** acquire / release and fencing of commit and put. */
export function leaseTests(fx: Fixture): void {
  describe('leases and fencing', () => {
    it('gives a live lease to one owner only, with fences that grow with every new lease', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const a = await store.acquire('j1', 'runtime-a', 60_000);
      expect(a?.jobId).toBe('j1');
      expect(await store.acquire('j1', 'runtime-b', 60_000)).toBeUndefined();
      const renewed = await store.acquire('j1', 'runtime-a', 60_000);
      expect(renewed!.fence).toBeGreaterThan(a!.fence);
      await store.release(renewed!);
      const b = await store.acquire('j1', 'runtime-b', 60_000);
      expect(b!.fence).toBeGreaterThan(renewed!.fence);
    });

    it('lets another owner take over an expired lease with a larger fence', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const a = await store.acquire('j1', 'runtime-a', 0);
      const b = await store.acquire('j1', 'runtime-b', 60_000);
      expect(b).toBeDefined();
      expect(b!.fence).toBeGreaterThan(a!.fence);
    });

    it('ignores the release of a lease that was already replaced', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const a = await store.acquire('j1', 'runtime-a', 0);
      const b = await store.acquire('j1', 'runtime-b', 60_000);
      await store.release(a!);
      expect(await store.acquire('j1', 'runtime-c', 60_000)).toBeUndefined();
      await store.release(b!);
      expect(await store.acquire('j1', 'runtime-c', 60_000)).toBeDefined();
    });

    it('refuses commits and puts fenced with an older token (STALE_WRITE) and changes nothing', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const zombie = await store.acquire('j1', 'runtime-a', 0);
      const owner = await store.acquire('j1', 'runtime-b', 60_000);
      const before = await store.load('j1');
      const stale = await rejection(store.commit(commitOf('j1', 't1', { fence: zombie!.fence, changes: { entries: { sharedData: { total: 1 } } } })));
      expect(stale.code).toBe('STALE_WRITE');
      expect(stale.details?.['jobId']).toBe('j1');
      const stalePut = await rejection(store.put(jobDoc('j1', { status: 'paused' }), { fence: zombie!.fence }));
      expect(stalePut.code).toBe('STALE_WRITE');
      expect(await store.load('j1')).toEqual(before);
      expect(await store.commit(commitOf('j1', 't1', { fence: owner!.fence, changes: { entries: { sharedData: { total: 1 } } } }))).toBe(true);
      await store.put(jobDoc('j1', { status: 'paused', pendingTasks: [] }), { fence: owner!.fence });
      expect((await store.load('j1'))?.status).toBe('paused');
    });

    it('keeps fences monotonic after a release: the old token stays stale', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const a = await store.acquire('j1', 'runtime-a', 60_000);
      await store.release(a!);
      const b = await store.acquire('j1', 'runtime-b', 60_000);
      await store.release(b!);
      expect((await rejection(store.commit(commitOf('j1', 't1', { fence: a!.fence })))).code).toBe('STALE_WRITE');
    });

    it('keeps leases per job', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      await store.create(jobDoc('j2'));
      expect(await store.acquire('j1', 'runtime-a', 60_000)).toBeDefined();
      expect(await store.acquire('j2', 'runtime-b', 60_000)).toBeDefined();
    });

    it('refuses malformed lease requests with INVALID_ARGUMENT', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      expect((await rejection(store.acquire('j1', '', 1000))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(store.acquire('j1', 'a', -1))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(store.acquire('j1', 'a', Number.NaN))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(store.commit(commitOf('j1', 't1', { fence: -2 })))).code).toBe('INVALID_ARGUMENT');
    });
  });
}
