import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, RoutineBase, Runtime, type ActivationCommit } from '../../src/index.js';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { commitOf, jobDoc } from '../../src/testing/store-conformance/fixtures.js';

// 'batch' keeps a job's commits in call order (JobStore.ordered): after one is refused with
// STORE_UNAVAILABLE, the job's later commits are refused unapplied until it is made again, so
// the store never holds a later commit of a job without an earlier one. The engine relies on
// it to hand a job's commits over without awaiting each.

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-ordered-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A store file whose commit records fail (a SQLite error: STORE_UNAVAILABLE) until `untilMs` (epoch ms), for task ids matching the LIKE pattern `like`. */
function faultyFile(like: string, untilMs: number): string {
  const path = join(dir, `o${++n}.db`);
  new SqliteJobStore({ path }).close();
  const db = new Database(path);
  db.exec(`CREATE TRIGGER fault BEFORE INSERT ON job_commits WHEN NEW.task_id LIKE '${like}' AND unixepoch('subsec') * 1000 < ${untilMs} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`);
  db.close();
  return path;
}

const entry = (key: string): Partial<ActivationCommit> => ({ consumed: [], changes: { entries: { sharedData: { [key]: true } } } });

describe("SqliteJobStore 'batch' keeps a job's commits in call order", () => {
  it('declares itself ordered in batch mode only', async () => {
    const batch = new SqliteJobStore({ path: join(dir, `o${++n}.db`), durability: 'batch' });
    const sync = new SqliteJobStore({ path: join(dir, `o${++n}.db`) });
    expect(batch.ordered).toBe(true);
    expect(sync.ordered).toBe(false);
    await batch.close();
    await sync.close();
  });

  it('refuses the later commits of a job whose commit failed, unapplied, until that one is made again; other jobs go on', async () => {
    const path = faultyFile('t2', Date.now() + 3_600_000);
    const store = new SqliteJobStore({ path, durability: 'batch', batchMs: 3_600_000 });
    await store.create(jobDoc('j1', { pendingTasks: [] }));
    await store.create(jobDoc('j2', { pendingTasks: [] }));
    const t1 = store.commit(commitOf('j1', 't1', entry('t1')));
    const t2 = store.commit(commitOf('j1', 't2', entry('t2')));
    const t3 = store.commit(commitOf('j1', 't3', entry('t3')));
    const other = store.commit(commitOf('j2', 'u1', entry('u1')));
    expect((await store.load('j1'))?.sharedData).toEqual({ total: 0, t1: true }); // the read wrote the group
    expect(await t1).toBe(true);
    await expect(t2).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(t3).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await other).toBe(true);
    // a later commit of j1 is refused at once, also unapplied
    await expect(store.commit(commitOf('j1', 't4', entry('t4')))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((await store.load('j1'))?.sharedData).toEqual({ total: 0, t1: true });
    await store.close();

    const db = new Database(path);
    db.exec('DROP TRIGGER fault');
    db.close();
    // the file is consistent (t1 only) and a new store takes the missing commits in order
    const healed = new SqliteJobStore({ path, durability: 'batch', batchMs: 1 });
    expect((await healed.load('j1'))?.sharedData).toEqual({ total: 0, t1: true });
    expect(await healed.commit(commitOf('j1', 't2', entry('t2')))).toBe(true);
    expect(await healed.commit(commitOf('j1', 't3', entry('t3')))).toBe(true);
    expect((await healed.load('j1'))?.sharedData).toEqual({ total: 0, t1: true, t2: true, t3: true });
    await healed.close();
  });

  it('takes the job\'s later commits again once the refused one is made again, or after a put', async () => {
    const path = faultyFile('t1', Date.now() + 300);
    const store = new SqliteJobStore({ path, durability: 'batch', batchMs: 1 });
    await store.create(jobDoc('j1', { pendingTasks: [] }));
    await expect(store.commit(commitOf('j1', 't1', entry('t1')))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.commit(commitOf('j1', 't2', entry('t2')))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await new Promise((r) => setTimeout(r, 350));
    expect(await store.commit(commitOf('j1', 't1', entry('t1')))).toBe(true);
    expect(await store.commit(commitOf('j1', 't2', entry('t2')))).toBe(true);
    await store.create(jobDoc('j2', { pendingTasks: [] }));
    await store.close();

    const path2 = faultyFile('x1', Date.now() + 3_600_000);
    const s2 = new SqliteJobStore({ path: path2, durability: 'batch', batchMs: 1 });
    await s2.create(jobDoc('j1', { pendingTasks: [] }));
    await expect(s2.commit(commitOf('j1', 'x1', entry('x1')))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await s2.put(jobDoc('j1', { pendingTasks: [], sharedData: { total: 0, put: true } }));
    expect(await s2.commit(commitOf('j1', 'x2', entry('x2')))).toBe(true);
    expect((await s2.load('j1'))?.sharedData).toEqual({ total: 0, put: true, x2: true });
    await s2.close();
  });
});

class Head extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (d: Record<string, unknown>) => {
      for (let i = 0; i < Number(d['n']); i++) this.emit('out', { id: i });
    });
  }
}
class Pass extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('in', (d: Record<string, unknown>) => this.emit('out', d));
  }
}
const seen: number[] = [];
class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', (d: Record<string, unknown>) => void seen.push(Number(d['id'])));
  }
}

function registry(): FlowRegistry {
  const flow = new Flow({ flowId: 'ordered' });
  flow.addRoutine(new Head(), 'head');
  flow.addRoutine(new Pass(), 'a');
  flow.addRoutine(new Pass(), 'b');
  flow.addRoutine(new Sink(), 'sink');
  flow.connect('head', 'out', 'a', 'in');
  flow.connect('a', 'out', 'b', 'in');
  flow.connect('b', 'out', 'sink', 'in');
  const reg = new FlowRegistry();
  reg.registerByName('ordered', flow);
  return reg;
}

describe('a Runtime on an ordered store', () => {
  it('pipelines commits: a chain of 300 hops takes far fewer than 300 batch windows', async () => {
    seen.length = 0;
    const store = new SqliteJobStore({ path: join(dir, `o${++n}.db`), durability: 'batch', batchMs: 20 });
    const runtime = new Runtime({ registry: registry(), store });
    const t0 = Date.now();
    const job = runtime.exec('ordered', { entryParams: { n: 100 } });
    expect(await runtime.waitUntilAllJobsFinished(30_000)).toBe(true);
    const ms = Date.now() - t0;
    expect(job.status).toBe('completed');
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(ms).toBeLessThan(300 * 20 / 4); // serial commits would wait one 20 ms window per hop (≥ 6 s)
    const stored = await store.load(job.jobId);
    expect(stored?.status).toBe('completed');
    expect(stored?.pendingTasks).toEqual([]);
    await runtime.shutdown();
    await store.close();
  });

  it('while the store refuses commits the job waits, then writes them in order and completes with every message once', async () => {
    seen.length = 0;
    const path = faultyFile('%', Date.now() + 400);
    const store = new SqliteJobStore({ path, durability: 'batch', batchMs: 2 });
    const runtime = new Runtime({ registry: registry(), store });
    const job = runtime.exec('ordered', { entryParams: { n: 30 } });
    await new Promise((r) => setTimeout(r, 150));
    expect(job.status).toBe('running');
    expect(runtime.storeHealth()?.status).toBe('unavailable');
    expect(await runtime.waitUntilAllJobsFinished(30_000)).toBe(true);
    expect(job.status).toBe('completed');
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await runtime.shutdown();
    const stored = await store.load(job.jobId);
    expect(stored?.status).toBe('completed');
    expect(stored?.pendingTasks).toEqual([]);
    expect(stored?.activationCount).toBe(1 + 30 * 3);
    await store.close();
  }, 40_000);
});
