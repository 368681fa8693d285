import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, Runtime, RoutineBase, type ExecutionContext } from '../../src/index.js';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';

// F9 through recovery: a job whose stored rows are damaged fails to come back with a typed
// error naming it; the other jobs of the store come back and complete; the damaged job is
// neither dropped nor silently restarted with empty state.

const dir = mkdtempSync(join(tmpdir(), 'routilux-f9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Handlers of the second step wait for this gate: closed while the first process runs, so each job has work in flight when it dies. */
let gate: Promise<void> = new Promise(() => undefined);

class Step extends RoutineBase {
  constructor(first: boolean) {
    super();
    this.defineSlot(first ? 'trigger' : 'input', async (d: { n?: number }, ctx: ExecutionContext) => {
      if (!first) await gate;
      ctx.jobState.appendToSharedLog({ n: d.n ?? 0 });
      this.emit('out', { n: (d.n ?? 0) + 1 });
    });
    this.defineEvent('out', ['n']);
  }
}

function registry(): FlowRegistry {
  const flow = new Flow({ flowId: 'two' });
  flow.addRoutine(new Step(true), 'a');
  flow.addRoutine(new Step(false), 'b');
  flow.connect('a', 'out', 'b', 'input');
  const reg = new FlowRegistry();
  reg.registerByName('two', flow);
  return reg;
}

describe('F9 corrupted persisted data, through runtime.recover()', () => {
  it('a torn job fails with CORRUPT_STATE naming it; the others recover and complete; the torn one stays in the store', async () => {
    const path = join(dir, 'store.db');
    const first = new SqliteJobStore({ path });
    const a = new Runtime({ registry: registry(), store: first, owner: 'host-1' });
    const jobs = [0, 1, 2].map(() => a.exec('two', { entryParams: { n: 0 } }));
    const ids = jobs.map((j) => j.jobId);
    // each job's first step has committed; its second step hangs in flight
    for (let i = 0; i < 2000 && !(await Promise.all(ids.map((id) => first.load(id)))).every((d) => d?.sharedLog.length === 1); i++) await new Promise((r) => setTimeout(r, 2));
    await first.close(); // the process dies here (no shutdown: its leases stay with host-1)
    gate = Promise.resolve();

    const db = new Database(path);
    const torn = db.prepare('UPDATE job_tasks SET value = substr(value, 1, length(value) / 2) WHERE job_id = ?').run(ids[1]);
    db.close();
    expect(torn.changes).toBeGreaterThan(0);

    const store = new SqliteJobStore({ path });
    const b = new Runtime({ registry: registry(), store, owner: 'host-1' });
    const error = (await b.recover().then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; message: string; details: { failures: { jobId: string; code: string }[]; recovered: string[] } };
    expect(error.code).toBe('CORRUPT_STATE');
    expect(error.message).toContain(ids[1]);
    expect(error.details.failures).toEqual([expect.objectContaining({ jobId: ids[1], code: 'CORRUPT_STATE' })]);
    expect([...error.details.recovered].sort()).toEqual([ids[0], ids[2]].sort());
    expect(await b.waitUntilAllJobsFinished(5000)).toBe(true);
    for (const id of [ids[0]!, ids[2]!]) {
      expect(b.getJob(id)?.status).toBe('completed');
      expect(b.getJob(id)?.sharedLog.map((e) => e['n'])).toEqual([0, 1]); // the committed step did not run again
    }
    // the damaged job is still there, still failing the same way: never a fresh start
    await expect(store.load(ids[1]!)).rejects.toMatchObject({ code: 'CORRUPT_STATE' });
    expect(await store.listUnfinished()).toContain(ids[1]);
    await b.shutdown();
    await store.close();
    await a.shutdown({ drainTimeout: 0 }).catch(() => undefined); // the dead process's timers (its store is closed)
  });
});
