import { describe, expect, it } from 'vitest';
import { JobState } from '../../index.js';
import { type Fixture, jobDoc, rejection, task } from './fixtures.js';

/** create / load / getJob / put. */
export function documentTests(fx: Fixture): void {
  describe('create and load', () => {
    it('round-trips a job document exactly, and the document is a loadable JobState', async () => {
      const store = await fx.open();
      const doc = jobDoc('j1', { sharedData: { a: 1, nested: { list: [1, 'two', null, true] } }, slotBuffers: [{ routineId: 'agg', slotName: 'in', data: { xs: [1] } }] });
      await store.create(doc, { flow: 'orders' });
      const loaded = await store.load('j1');
      expect(loaded).toEqual(doc);
      expect(JobState.deserialize(loaded).jobId).toBe('j1');
      expect(await store.getJob('j1')).toEqual(doc);
    });

    it('resolves undefined for an unknown job', async () => {
      const store = await fx.open();
      expect(await store.load('nope')).toBeUndefined();
      expect(await store.getJob('nope')).toBeUndefined();
    });

    it('refuses a second create of the same id with INVALID_ARGUMENT and keeps the first', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const err = await rejection(store.create(jobDoc('j1', { status: 'paused' })));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect((await store.load('j1'))?.status).toBe('running');
    });

    it('refuses documents that are not job documents or not JSON, naming the problem', async () => {
      const store = await fx.open();
      const cases: unknown[] = [
        null,
        { ...jobDoc('x'), type: 'Flow' },
        { ...jobDoc('x'), jobId: '' },
        { ...jobDoc('x'), status: 'exploded' },
        { ...jobDoc('x'), createdAt: 'yesterday' },
        { ...jobDoc('x'), pendingTasks: [task('t1'), task('t1')] },
        { ...jobDoc('x'), pendingTasks: [{ taskId: 't1' }] },
        { ...jobDoc('x'), sharedData: { when: new Date(Number.NaN) } },
        { ...jobDoc('x'), sharedData: { m: new Map() } },
        { ...jobDoc('x'), sharedData: { n: Number.NaN } },
        { ...jobDoc('x'), sharedData: { f: () => 1 } },
        { ...jobDoc('x'), sharedData: { u: undefined } },
        { ...jobDoc('x'), executionHistory: {} },
      ];
      for (const bad of cases) {
        const err = await rejection(store.create(bad as never));
        expect(err.code, JSON.stringify(bad)?.slice(0, 80)).toBe('INVALID_ARGUMENT');
        expect(err.message.length).toBeGreaterThan(10);
      }
      expect(await store.listUnfinished()).toEqual([]);
    });

    it('stores a Date as its ISO string, as JSON does', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1', { sharedData: { when: new Date(0) } }));
      expect((await store.load('j1'))?.sharedData).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    });

    it('copies in and out: mutating the given or the loaded object never changes the store', async () => {
      const store = await fx.open();
      const doc = jobDoc('j1') as unknown as { sharedData: Record<string, unknown>; pendingTasks: unknown[] };
      await store.create(doc as never);
      doc.sharedData['total'] = 99;
      doc.pendingTasks.length = 0;
      const first = (await store.load('j1')) as unknown as { sharedData: Record<string, unknown> };
      expect(first.sharedData['total']).toBe(0);
      first.sharedData['total'] = 7;
      expect((await store.load('j1'))?.sharedData['total']).toBe(0);
      expect((await store.load('j1'))?.pendingTasks).toHaveLength(1);
    });
  });

  describe('put', () => {
    it('replaces the whole document and keeps the flow name unless a new one is given', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'), { flow: 'orders' });
      const paused = jobDoc('j1', { status: 'paused', pendingTasks: [task('t1'), task('t2')], sharedData: { other: true } });
      await store.put(paused);
      expect(await store.load('j1')).toEqual(paused);
      expect((await store.listJobs()).items[0]?.flow).toBe('orders');
      await store.put(paused, { flow: 'billing' });
      expect((await store.listJobs()).items[0]?.flow).toBe('billing');
    });

    it('stores a job it did not have (a saved job put back)', async () => {
      const store = await fx.open();
      await store.put(jobDoc('saved', { status: 'paused' }));
      expect((await store.load('saved'))?.status).toBe('paused');
      expect(await store.listUnfinished()).toEqual(['saved']);
    });

    it('refuses a malformed document with INVALID_ARGUMENT and keeps the stored one', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const err = await rejection(store.put({ ...jobDoc('j1'), historyLimit: -1 } as never));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(await store.load('j1')).toEqual(jobDoc('j1'));
    });
  });
}
