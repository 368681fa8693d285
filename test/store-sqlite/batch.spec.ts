import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { commitOf, jobDoc, task } from '../../src/testing/store-conformance/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function settled(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  p.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

describe("SqliteJobStore durability 'batch'", () => {
  it('resolves a commit only once the transaction holding it is written, and every read sees queued commits', async () => {
    const path = join(dir, `b${++n}.db`);
    const store = new SqliteJobStore({ path, durability: 'batch', batchMs: 3_600_000 });
    await store.create(jobDoc('j1', { pendingTasks: [] }));
    const a = store.commit(commitOf('j1', 't1', { consumed: [], produced: [task('p1')] }));
    const b = store.commit(commitOf('j1', 't2', { consumed: [], produced: [task('p2')] }));
    const sa = settled(a);
    await new Promise((r) => setImmediate(r));
    expect(sa.done).toBe(false);
    expect((await store.load('j1'))?.pendingTasks.map((t) => t.taskId)).toEqual(['p1', 'p2']);
    expect(await Promise.all([a, b])).toEqual([true, true]);
    await store.close();
  });

  it('rejects only the commit that does not fit; the others of the group are written', async () => {
    const path = join(dir, `b${++n}.db`);
    const store = new SqliteJobStore({ path, durability: 'batch', batchMs: 3_600_000 });
    await store.create(jobDoc('j1', { pendingTasks: [task('t5')] }));
    const good1 = store.commit(commitOf('j1', 't1', { consumed: [], changes: { entries: { sharedData: { a: 1 } } } }));
    const bad = store.commit(commitOf('j1', 't2', { consumed: [], changes: { entries: { sharedData: { b: 2 } } }, produced: [task('t5')] }));
    const replay = store.commit(commitOf('j1', 't1', { consumed: [] }));
    const good2 = store.commit(commitOf('j1', 't3', { consumed: [], changes: { entries: { sharedData: { c: 3 } } } }));
    await store.close();
    expect(await good1).toBe(true);
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await replay).toBe(false);
    expect(await good2).toBe(true);
    const again = new SqliteJobStore({ path });
    expect((await again.load('j1'))?.sharedData).toEqual({ total: 0, a: 1, c: 3 });
    expect(await again.commit(commitOf('j1', 't2', { consumed: [] }))).toBe(true);
    await again.close();
  });

  it('writes a group as soon as it holds 1000 commits, without waiting for the timer', async () => {
    const path = join(dir, `b${++n}.db`);
    const store = new SqliteJobStore({ path, durability: 'batch', batchMs: 3_600_000 });
    await store.create(jobDoc('j1', { pendingTasks: [] }));
    const commits = Array.from({ length: 1000 }, (_, i) => store.commit(commitOf('j1', `t${i}`, { consumed: [] })));
    expect((await Promise.all(commits)).every((r) => r)).toBe(true);
    const extra = settled(store.commit(commitOf('j1', 'late', { consumed: [] })));
    await new Promise((r) => setImmediate(r));
    expect(extra.done).toBe(false);
    await store.close();
    await new Promise((r) => setImmediate(r));
    expect(extra.done).toBe(true);
  });

  it('rejects a malformed commit at once, without queueing it', async () => {
    const store = new SqliteJobStore({ path: join(dir, `b${++n}.db`), durability: 'batch', batchMs: 3_600_000 });
    await expect(store.commit({ ...commitOf('j1', 't1'), attempt: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await store.close();
  });
});
