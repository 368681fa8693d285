// Uses 'routilux/store-sqlite': a finished job stored in a SQLite file, listed and read back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow, RoutineBase } from 'routilux';
import { SqliteJobStore } from 'routilux/store-sqlite';

class Done extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => undefined);
  }
}

const flow = new Flow();
flow.addRoutine(new Done(), 'done');
const job = await flow.execute('done', { n: 1 });
const dir = mkdtempSync(join(tmpdir(), 'routilux-consumer-sqlite-'));
try {
  const store = new SqliteJobStore({ path: join(dir, 'jobs.db') });
  await store.create(job.serialize(), { flow: 'done' });
  const page = await store.listJobs();
  const stored = await store.getJob(job.jobId);
  await store.close();
  if (page.items.length !== 1 || page.items[0]?.jobId !== job.jobId || stored?.status !== 'completed') {
    throw new Error(`unexpected: ${JSON.stringify({ page, status: stored?.status })}`);
  }
  console.log('OK ./store-sqlite', page.items[0]?.status);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
