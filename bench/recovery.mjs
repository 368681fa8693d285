// W10 (docs/performance.md): recovery time for 1,000 jobs on SqliteJobStore. A child process
// starts JOBS jobs of a linear 4-stage flow whose second stage never returns (so each job is
// in flight with work pending), waits until they are all there and written, and is killed
// with SIGKILL. This process then opens the file and times `runtime.recover()` (target
// ≤ 2 s), and the time until every recovered job has completed. `W10_SYNCHRONOUS=normal` runs both
// processes with SQLite's synchronous NORMAL. Runs against dist/.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Flow, FlowRegistry, RoutineBase, Runtime } from '../dist/index.js';
import { SqliteJobStore } from '../dist/store-sqlite/index.js';

const JOBS = Number(process.env.W10_JOBS ?? 1000);
/** SQLite's `synchronous` for both processes: 'full' (the store's default) or 'normal'. */
const SYNCHRONOUS = process.env.W10_SYNCHRONOUS ?? 'full';
const [mode, dbPath] = process.argv.slice(2);
let started = 0;

class Stage extends RoutineBase {
  constructor(hang, first) {
    super();
    this.defineEvent('out');
    this.defineSlot(first ? 'trigger' : 'in', async (d, ctx) => {
      ctx.jobState.updateSharedData(`seen${d.n}`, true);
      if (hang) {
        started++;
        await new Promise(() => undefined); // the crash comes first
      }
      this.emit('out', { n: d.n + 1 });
    });
  }
}

function registry(hang) {
  const flow = new Flow({ flowId: 'w10', executionTimeout: Infinity });
  for (let i = 0; i < 4; i++) flow.addRoutine(new Stage(hang && i === 1, i === 0), `s${i}`);
  for (let i = 0; i + 1 < 4; i++) flow.connect(`s${i}`, 'out', `s${i + 1}`, 'in');
  const reg = new FlowRegistry();
  reg.registerByName('w10', flow);
  return reg;
}

if (mode === 'child') {
  const store = new SqliteJobStore({ path: dbPath, durability: 'batch', synchronous: SYNCHRONOUS });
  const runtime = new Runtime({ registry: registry(true), store, owner: 'w10', concurrency: JOBS });
  for (let i = 0; i < JOBS; i++) runtime.exec('w10', { entryParams: { n: 0 } });
  while (started < JOBS) await new Promise((r) => setTimeout(r, 20));
  await store.listUnfinished(); // a read writes every queued commit first
  process.stdout.write('ready\n');
  await new Promise(() => undefined);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'routilux-w10-'));
  const path = join(dir, 'jobs.db');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (b) => String(b).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited ${code} before it was ready`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await gone;

  const store = new SqliteJobStore({ path, durability: 'batch', synchronous: SYNCHRONOUS });
  const runtime = new Runtime({ registry: registry(false), store, owner: 'w10', concurrency: 64 });
  const t0 = performance.now();
  const recovered = await runtime.recover();
  const recoverMs = performance.now() - t0;
  await runtime.waitUntilAllJobsFinished();
  const doneMs = performance.now() - t0;
  const completed = recovered.filter((j) => j.status === 'completed').length;
  await runtime.shutdown();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const out = { jobs: JOBS, synchronous: SYNCHRONOUS, recovered: recovered.length, completed, recoverMs: Math.round(recoverMs), allCompletedMs: Math.round(doneMs) };
  console.log(JSON.stringify(out, null, 2));
  console.log(`W10 recover() of ${out.recovered} jobs in ${out.recoverMs} ms (target <= 2000 ms): ${out.recovered === JOBS && out.recoverMs <= 2000 ? 'met' : 'NOT met'}`);
}
