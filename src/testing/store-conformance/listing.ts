import { describe, expect, it } from 'vitest';
import type { JobStore, StoredJobSummary } from '../../index.js';
import { type Fixture, at, commitOf, jobDoc, rejection } from './fixtures.js';

async function allPages(store: JobStore, query: { status?: 'running' | 'completed'; flow?: string; limit?: number }): Promise<StoredJobSummary[]> {
  const out: StoredJobSummary[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await store.listJobs({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  throw new Error('listJobs never returned a last page');
}

/** listUnfinished / listJobs / deleteJob / retention. */
export function listingTests(fx: Fixture): void {
  describe('listUnfinished', () => {
    it('lists pending, running and paused jobs, not finished ones', async () => {
      const store = await fx.open();
      for (const status of ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const) await store.create(jobDoc(status, { status }));
      expect([...(await store.listUnfinished())].sort()).toEqual(['paused', 'pending', 'running']);
      await store.commit(commitOf('running', null, { attempt: 0, changes: { set: { status: 'completed' } } }));
      expect([...(await store.listUnfinished())].sort()).toEqual(['paused', 'pending']);
    });
  });

  describe('listJobs', () => {
    it('pages newest first with an opaque cursor, every job exactly once, and summaries of each', async () => {
      const store = await fx.open();
      for (let i = 0; i < 7; i++) await store.create(jobDoc(`j${i}`, { createdAt: at(i * 1000), updatedAt: at(i * 1000 + 5) }), { flow: 'orders' });
      const first = await store.listJobs({ limit: 3 });
      expect(first.items.map((j) => j.jobId)).toEqual(['j6', 'j5', 'j4']);
      expect(first.items[0]).toEqual({ jobId: 'j6', flowId: 'conformance', flow: 'orders', status: 'running', createdAt: at(6000), updatedAt: at(6005) });
      expect(typeof first.nextCursor).toBe('string');
      const all = await allPages(store, { limit: 3 });
      expect(all.map((j) => j.jobId)).toEqual(['j6', 'j5', 'j4', 'j3', 'j2', 'j1', 'j0']);
      const exact = await store.listJobs({ limit: 7 });
      expect(exact.nextCursor).toBeNull();
    });

    it('orders jobs created at the same instant by insertion, newest first, across pages', async () => {
      const store = await fx.open();
      for (let i = 0; i < 5; i++) await store.create(jobDoc(`same${i}`));
      expect((await allPages(store, { limit: 2 })).map((j) => j.jobId)).toEqual(['same4', 'same3', 'same2', 'same1', 'same0']);
    });

    it('filters by status and by flow name, and pages within the filter', async () => {
      const store = await fx.open();
      for (let i = 0; i < 6; i++) {
        await store.create(jobDoc(`j${i}`, { createdAt: at(i), status: i % 2 === 0 ? 'completed' : 'running' }), { flow: i < 3 ? 'a' : 'b' });
      }
      expect((await allPages(store, { status: 'completed', limit: 1 })).map((j) => j.jobId)).toEqual(['j4', 'j2', 'j0']);
      expect((await allPages(store, { flow: 'a' })).map((j) => j.jobId)).toEqual(['j2', 'j1', 'j0']);
      expect((await allPages(store, { flow: 'b', status: 'running' })).map((j) => j.jobId)).toEqual(['j5', 'j3']);
      expect((await store.listJobs({ flow: 'none' })).items).toEqual([]);
    });

    it('defaults to pages of 50', async () => {
      const store = await fx.open();
      for (let i = 0; i < 51; i++) await store.create(jobDoc(`j${i}`, { createdAt: at(i) }));
      const page = await store.listJobs();
      expect(page.items).toHaveLength(50);
      expect((await store.listJobs({ cursor: page.nextCursor! })).items.map((j) => j.jobId)).toEqual(['j0']);
    });

    it('refuses a cursor it did not issue, and bad limits or filters, with INVALID_ARGUMENT', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      for (const query of [{ cursor: 'not-a-cursor!' }, { cursor: 'eyJhIjoxfQ' }, { cursor: '' }, { limit: 0 }, { limit: 2.5 }, { limit: 100_000 }, { status: 'done' }]) {
        expect((await rejection(store.listJobs(query as never))).code, JSON.stringify(query)).toBe('INVALID_ARGUMENT');
      }
    });
  });

  describe('deleteJob', () => {
    it('deletes a finished job, refuses an unfinished one with INVALID_ARGUMENT, and resolves false for an unknown one', async () => {
      const store = await fx.open();
      await store.create(jobDoc('done', { status: 'completed' }));
      await store.create(jobDoc('live', { status: 'paused' }));
      expect(await store.deleteJob('done')).toBe(true);
      expect(await store.load('done')).toBeUndefined();
      expect(await store.deleteJob('done')).toBe(false);
      const err = await rejection(store.deleteJob('live'));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(await store.load('live')).toBeDefined();
      expect((await store.listJobs()).items.map((j) => j.jobId)).toEqual(['live']);
    });

    it('forgets the deleted job entirely: the id can be created again and its commits apply anew', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      expect(await store.commit(commitOf('j1', 't1', { changes: { set: { status: 'completed' } } }))).toBe(true);
      expect(await store.deleteJob('j1')).toBe(true);
      await store.create(jobDoc('j1'));
      expect(await store.commit(commitOf('j1', 't1'))).toBe(true);
    });
  });

  describe('retention of finished jobs', () => {
    it('keeps the newest maxCount finished jobs and every unfinished one', async () => {
      const store = await fx.open({ retention: { finished: { maxCount: 2 } } });
      for (let i = 0; i < 3; i++) await store.create(jobDoc(`live${i}`, { createdAt: at(i) }));
      for (let i = 0; i < 4; i++) await store.create(jobDoc(`done${i}`, { status: 'completed', createdAt: at(i), updatedAt: at(100 + i) }));
      await store.commit(commitOf('live0', 't1', { changes: { set: { status: 'failed', updatedAt: at(500) } } }));
      const ids = (await allPages(store, {})).map((j) => j.jobId).sort();
      expect(ids).toEqual(['done3', 'live0', 'live1', 'live2']);
      expect(await store.load('done0')).toBeUndefined();
    });

    it('removes finished jobs older than maxAgeMs and keeps recent ones', async () => {
      const store = await fx.open({ retention: { finished: { maxAgeMs: 60_000 } } });
      await store.create(jobDoc('old', { status: 'completed', updatedAt: '2001-01-01T00:00:00.000Z' }));
      await store.create(jobDoc('oldLive', { status: 'paused', updatedAt: '2001-01-01T00:00:00.000Z' }));
      await store.create(jobDoc('recent', { status: 'completed', updatedAt: new Date().toISOString() }));
      const ids = (await allPages(store, {})).map((j) => j.jobId).sort();
      expect(ids).toEqual(['oldLive', 'recent']);
    });

    it('refuses a malformed retention with INVALID_ARGUMENT', async () => {
      const err = await rejection(Promise.resolve().then(() => fx.make({ retention: { finished: { maxCount: -1 } } })));
      expect(err.code).toBe('INVALID_ARGUMENT');
    });
  });
}
