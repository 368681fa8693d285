import { describe, expect, it } from 'vitest';
import { type Fixture, commitOf, jobDoc, rejection, task } from './fixtures.js';

/** Flow documents, close, corrupt data and reopening. */
export function lifecycleTests(fx: Fixture): void {
  describe('flows', () => {
    it('puts, replaces, lists (by name) and deletes flow documents, copying them', async () => {
      const store = await fx.open();
      const doc = { version: 1, flowId: 'orders', routines: { a: { type: 'X', config: {} } }, connections: [] };
      await store.putFlow('orders', doc);
      await store.putFlow('billing', { version: 1, flowId: 'billing' });
      doc.flowId = 'changed';
      expect(await store.listFlows()).toEqual([
        { name: 'billing', document: { version: 1, flowId: 'billing' } },
        { name: 'orders', document: { version: 1, flowId: 'orders', routines: { a: { type: 'X', config: {} } }, connections: [] } },
      ]);
      await store.putFlow('orders', { version: 2 });
      expect((await store.listFlows()).find((f) => f.name === 'orders')?.document).toEqual({ version: 2 });
      expect(await store.deleteFlow('orders')).toBe(true);
      expect(await store.deleteFlow('orders')).toBe(false);
      expect((await store.listFlows()).map((f) => f.name)).toEqual(['billing']);
    });

    it('refuses a flow document that is not JSON, or an empty name', async () => {
      const store = await fx.open();
      expect((await rejection(store.putFlow('x', { f: (() => 1) as never }))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(store.putFlow('', {}))).code).toBe('INVALID_ARGUMENT');
      expect(await store.listFlows()).toEqual([]);
    });
  });

  describe('close', () => {
    it('is idempotent, and a closed store refuses further calls', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      await store.close();
      await store.close();
      expect((await rejection(store.load('j1'))).code).toMatch(/^(INVALID_STATE|STORE_UNAVAILABLE)$/);
      expect((await rejection(store.commit(commitOf('j1', 't1')))).code).toMatch(/^(INVALID_STATE|STORE_UNAVAILABLE)$/);
    });
  });

  const { corrupt } = fx.options;
  if (corrupt !== undefined) {
    describe('corrupt data', () => {
      it('fails to load only the damaged job, with CORRUPT_STATE naming it; the others load and list', async () => {
        const first = await fx.open();
        await first.create(jobDoc('good'));
        await first.create(jobDoc('bad'));
        const store = await corrupt(first, 'bad');
        if (store !== first) fx.track(store);
        const err = await rejection(store.load('bad'));
        expect(err.code).toBe('CORRUPT_STATE');
        expect(err.message).toContain('bad');
        expect(err.details?.['jobId']).toBe('bad');
        expect(await store.load('good')).toEqual(jobDoc('good'));
        expect([...(await store.listUnfinished())].sort()).toEqual(['bad', 'good']);
        expect((await store.listJobs()).items.map((j) => j.jobId).sort()).toEqual(['bad', 'good']);
      });
    });
  }

  const { reopen } = fx.options;
  if (reopen !== undefined) {
    describe('durability across reopening', () => {
      it('keeps documents, commits, idempotency keys, fences and flows', async () => {
        const store = await fx.open();
        await store.create(jobDoc('j1'), { flow: 'orders' });
        expect(await store.commit(commitOf('j1', 't1', { changes: { entries: { sharedData: { total: 3 } } }, produced: [task('t2')] }))).toBe(true);
        const lease = await store.acquire('j1', 'runtime-a', 60_000);
        await store.putFlow('orders', { version: 1 });
        const expected = await store.load('j1');
        const again = await reopen(store);
        fx.track(again);
        expect(await again.load('j1')).toEqual(expected);
        expect(await again.commit(commitOf('j1', 't1'))).toBe(false);
        expect(await again.acquire('j1', 'runtime-b', 60_000)).toBeUndefined();
        const next = await again.acquire('j1', 'runtime-a', 60_000);
        expect(next!.fence).toBeGreaterThan(lease!.fence);
        expect((await again.listFlows()).map((f) => f.name)).toEqual(['orders']);
        expect((await again.listJobs()).items[0]?.flow).toBe('orders');
      });
    });
  }
}
