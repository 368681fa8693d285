import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import type { JobStore } from '../../src/index.js';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { describeJobStoreConformance } from '../../src/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function reopen(store: JobStore): Promise<JobStore> {
  const s = store as SqliteJobStore;
  return s.close().then(() => new SqliteJobStore({ path: s.path, durability: s.durability }));
}

/** Tears the job's pending-task row (half its bytes, the checksum kept), behind the store's back. */
async function tearTaskRow(store: JobStore, jobId: string): Promise<JobStore> {
  const s = store as SqliteJobStore;
  await s.close();
  const db = new Database(s.path);
  db.prepare('UPDATE job_tasks SET value = substr(value, 1, length(value) / 2) WHERE job_id = ?').run(jobId);
  db.close();
  return new SqliteJobStore({ path: s.path, durability: s.durability });
}

for (const durability of ['sync', 'batch'] as const) {
  describeJobStoreConformance(`SqliteJobStore (${durability})`, (options) => new SqliteJobStore({ path: join(dir, `store-${++n}.db`), durability, batchMs: 1, ...options }), {
    reopen,
    corrupt: tearTaskRow,
  });
}
