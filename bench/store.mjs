// W7 (docs/performance.md): the W1 shape (one job, a source emitting numbered messages
// through a chain of 10 stages) on SqliteJobStore, against its baselines in the same run:
// - durability 'batch' vs the same job in memory: cost per hop (target ≤ 5×);
// - durability 'sync' vs a bare better-sqlite3 loop committing one transaction per
//   activation with rows of the same size: commits per second (target ≥ 0.5×).
// Both files use WAL and synchronous FULL. Runs against the built package (dist/).
import { chainRoutines } from './lib/chain-routines.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Flow, FlowRegistry, RoutineBase, Runtime } from '../dist/index.js';
import { SqliteJobStore } from '../dist/store-sqlite/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH_MESSAGES = Number(process.env.W7_MESSAGES ?? 2000);
const SYNC_MESSAGES = Number(process.env.W7_SYNC_MESSAGES ?? 200);
const STAGES = 10;
const dir = mkdtempSync(join(tmpdir(), 'routilux-w7-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { Head, Inc } = chainRoutines(RoutineBase);
class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', () => undefined);
  }
}

function registry() {
  const flow = new Flow({ flowId: 'w7', executionTimeout: Infinity });
  flow.addRoutine(new Head(), 'head');
  for (let i = 1; i < STAGES - 1; i++) flow.addRoutine(new Inc(), `s${i}`);
  flow.addRoutine(new Sink(), 'sink');
  const ids = ['head', ...Array.from({ length: STAGES - 2 }, (_, i) => `s${i + 1}`), 'sink'];
  for (let i = 0; i + 1 < ids.length; i++) flow.connect(ids[i], 'out', ids[i + 1], 'in');
  const reg = new FlowRegistry();
  reg.registerByName('w7', flow);
  return reg;
}

/** Ms for one job of `n` messages (n × 9 + 1 activations) on `store` (none: memory). */
async function runJob(n, store) {
  const runtime = new Runtime({ registry: registry(), concurrency: 10, ...(store ? { store } : {}) });
  const t0 = performance.now();
  const job = runtime.exec('w7', { entryParams: { n } });
  await runtime.waitUntilAllJobsFinished();
  const ms = performance.now() - t0;
  if (job.status !== 'completed') throw new Error(`w7 job ${job.status}: ${JSON.stringify(job.error)}`);
  await runtime.shutdown();
  return ms;
}

/** Commits/s of a bare loop: one transaction per activation, a row of the size of a task plus an update of a head row. */
function bareLoop(commits, path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE head (id INTEGER PRIMARY KEY, doc TEXT); CREATE TABLE tasks (job TEXT, ord INTEGER, doc TEXT, PRIMARY KEY (job, ord)); INSERT INTO head VALUES (1, \'{}\')');
  const ins = db.prepare('INSERT INTO tasks VALUES (?, ?, ?)');
  const del = db.prepare('DELETE FROM tasks WHERE job = ? AND ord = ?');
  const upd = db.prepare('UPDATE head SET doc = ? WHERE id = 1');
  const task = JSON.stringify({ taskId: 't1', routineId: 's1', slotName: 'in', data: { id: 1, value: 1 }, attempt: 1, merged: false, delayMs: 0 });
  const head = JSON.stringify({ status: 'running', updatedAt: new Date().toISOString(), nextTaskSeq: 1, activationCount: 1 });
  const tx = db.transaction((i) => {
    if (i > 0) del.run('j', i - 1);
    ins.run('j', i, task);
    upd.run(head);
  });
  const t0 = performance.now();
  for (let i = 0; i < commits; i++) tx(i);
  const ms = performance.now() - t0;
  db.close();
  return (commits / ms) * 1000;
}

const hopsOf = (n) => n * (STAGES - 1) + 1;
const rows = { memory: [], batch: [], sync: [], bare: [] };
for (let r = 0; r < ROUNDS; r++) {
  rows.memory.push(((await runJob(BATCH_MESSAGES)) * 1e6) / hopsOf(BATCH_MESSAGES));
  const batch = new SqliteJobStore({ path: join(dir, `b${r}.db`), durability: 'batch' });
  rows.batch.push(((await runJob(BATCH_MESSAGES, batch)) * 1e6) / hopsOf(BATCH_MESSAGES));
  await batch.close();
  const sync = new SqliteJobStore({ path: join(dir, `s${r}.db`), durability: 'sync' });
  rows.sync.push(hopsOf(SYNC_MESSAGES) / ((await runJob(SYNC_MESSAGES, sync)) / 1000));
  await sync.close();
  rows.bare.push(bareLoop(hopsOf(SYNC_MESSAGES), join(dir, `bare${r}.db`)));
}
rmSync(dir, { recursive: true, force: true });
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
const out = {
  rounds: ROUNDS,
  batchMessages: BATCH_MESSAGES,
  syncMessages: SYNC_MESSAGES,
  memoryNsPerHop: Math.round(m.memory),
  batchNsPerHop: Math.round(m.batch),
  batchVsMemory: +(m.batch / m.memory).toFixed(2),
  syncCommitsPerSec: Math.round(m.sync),
  bareCommitsPerSec: Math.round(m.bare),
  syncVsBare: +(m.sync / m.bare).toFixed(2),
};
console.log(JSON.stringify(out, null, 2));
console.log(`W7 batch ${out.batchVsMemory}x in-memory per hop (target <= 5x): ${out.batchVsMemory <= 5 ? 'met' : 'NOT met'}`);
console.log(`W7 sync ${out.syncVsBare}x the bare loop's commits/s (target >= 0.5x): ${out.syncVsBare >= 0.5 ? 'met' : 'NOT met'}`);
