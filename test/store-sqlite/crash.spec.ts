import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { checkCrashLedger, readDurableLedger } from '../helpers/durable-ledger.js';
import { seededRandom } from '../helpers/random.js';
import { projectRoot } from '../helpers/run-script.js';

// The crash harness (reliability plan §0, F6 on the SQLite store; W10): a child process runs
// jobs of a linear flow on a SqliteJobStore and records each handler run in an fsynced
// ledger; the parent kills it with SIGKILL at seeded random moments, starts a fresh child
// that calls runtime.recover(), and at the end checks the ledger and the store: every job
// completed, lost = 0, duplicates only of activations in flight at a kill (same taskId, a
// higher attempt), framework state applied exactly once. Seeds: CRASH_SEEDS (default 4).

const dir = mkdtempSync(join(tmpdir(), 'routilux-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const child = join(projectRoot, 'test/store-sqlite/fixtures/crash-child.ts');

interface ChildRun {
  readonly lines: string[];
  readonly killed: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs one child; with `killAfterMs`, SIGKILLs it that long after it reported (recovery done and jobs started). */
function runChild(args: string[], killAfterMs: number | undefined, onRunning?: (p: ChildProcess) => Promise<void>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let killed = false;
    let reported = false;
    const guard = setTimeout(() => p.kill('SIGKILL'), 45_000);
    p.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!reported && out.includes('\n')) {
        reported = true;
        void (onRunning?.(p) ?? Promise.resolve()).then(() => {
          if (killAfterMs !== undefined)
            setTimeout(() => {
              if (p.exitCode === null) {
                killed = true;
                p.kill('SIGKILL');
              }
            }, killAfterMs);
        });
      }
    });
    p.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(guard);
      resolve({ lines: out.split('\n').filter((l) => l !== ''), killed, code, stderr });
    });
  });
}

interface Crashed {
  readonly report: ReturnType<typeof checkCrashLedger>;
  readonly kills: number;
  readonly recoverMs: number[];
  readonly recovered: number[];
  readonly jobs: Awaited<ReturnType<SqliteJobStore['load']>>[];
  readonly runsPerActivation: Map<string, number>;
  readonly torn: number;
}

async function crashRun(seed: number, options: { jobs: number; stages: number; kills: number; durability: 'sync' | 'batch'; locked?: boolean }): Promise<Crashed> {
  const random = seededRandom(seed);
  const db = join(dir, `s${seed}-${options.durability}.db`);
  const ledgerPath = join(dir, `s${seed}-${options.durability}.ledger`);
  const common = [String(options.jobs), String(options.stages), options.durability];
  let kills = 0;
  const recoverMs: number[] = [];
  const recovered: number[] = [];
  for (let round = 0; round <= options.kills; round++) {
    const last = round === options.kills;
    const killAfter = last ? undefined : 5 + Math.floor(random() * 150);
    const run = await runChild([db, ledgerPath, round === 0 ? 'start' : 'recover', ...common], killAfter, async () => {
      if (options.locked === true && round === 0) {
        // F17: while the child holds the store, a second process (this one) fails fast
        expect(() => new SqliteJobStore({ path: db })).toThrow(expect.objectContaining({ code: 'STORE_LOCKED' }));
      }
    });
    const head = run.lines[0] !== undefined ? (JSON.parse(run.lines[0]) as { recovered: number; recoverMs: number }) : undefined;
    if (round > 0 && head !== undefined) {
      recoverMs.push(head.recoverMs);
      recovered.push(head.recovered);
    }
    if (run.killed) kills++;
    else expect(run.code, `seed ${seed}: child exited ${run.code}: ${run.stderr.slice(-2000)}`).toBe(0);
    if (!run.killed && !last) break; // finished before the kill: nothing left to crash
  }
  const store = new SqliteJobStore({ path: db });
  try {
    const ids = (await store.listJobs({ limit: 500 })).items.map((i) => i.jobId);
    const jobs = await Promise.all(ids.map((id) => store.load(id)));
    const { ledger, torn } = readDurableLedger(ledgerPath);
    const expected: Record<string, string[]> = {};
    for (const job of jobs) if (job!.status !== 'cancelled') expected[job!.jobId] = ['m'];
    const report = checkCrashLedger(ledger, expected, Array.from({ length: options.stages }, (_, i) => `s${i}`), options.durability === 'batch');
    const runsPerActivation = new Map<string, number>();
    for (const e of ledger.entries) if (e.phase === 'start') runsPerActivation.set(`${e.jobId}/${e.taskId}`, (runsPerActivation.get(`${e.jobId}/${e.taskId}`) ?? 0) + 1);
    return { report, kills, recoverMs, recovered, jobs, runsPerActivation, torn };
  } finally {
    await store.close();
  }
}

function checkCrashed(seed: number, c: Crashed, options: { jobs: number; stages: number; durability: 'sync' | 'batch' }): void {
  const why = `seed ${seed} (${c.kills} kills)`;
  expect(c.jobs.length, why).toBe(options.jobs === 0 ? 0 : c.jobs.length);
  for (const job of c.jobs) {
    if (job!.status === 'cancelled') {
      // started but killed before its start was written: recover() cancels it, and no handler of it ever ran
      expect(job!.cancelReason, why).toContain('start was not written');
      expect(c.report.handled, why).toBeGreaterThanOrEqual(0);
      continue;
    }
    expect(job!.status, `${why}: job ${job!.jobId}`).toBe('completed');
    // framework-managed state is effectively once: each stage in the shared log once, in order
    expect(job!.sharedLog.map((e) => (e as Record<string, unknown>)['stage']), why).toEqual(Array.from({ length: options.stages }, (_, i) => i));
    expect(job!.sharedData, why).toEqual(Object.fromEntries(Array.from({ length: options.stages }, (_, i) => [`s${i}`, i])));
    expect(job!.outputLog, why).toHaveLength(1);
  }
  expect(c.report.lost, why).toEqual([]);
  expect(c.report.unexpected, `${why}: ${JSON.stringify(c.jobs.filter((j) => c.report.unexpected.some((u) => u.startsWith(j!.jobId))).map((j) => [j!.jobId, j!.status, j!.cancelReason, j!.pendingTasks]))}`).toEqual([]);
  // a re-run repeats its stage (s1,s1): the order is checked with repeats folded (the duplicates themselves are checked below)
  const folded = c.report.outOfOrder.filter((line) => {
    const got = line.slice(line.indexOf('got ') + 4).split(',');
    const once = got.filter((st, i) => i === 0 || got[i - 1] !== st);
    return once.join(',') !== Array.from({ length: options.stages }, (_, i) => `s${i}`).join(',');
  });
  // 'batch' pipelines a job's commits (ADR 0015): a kill may lose the last few commits of a
  // job, and the stages since the last durable one run again, so a message's stages are
  // ascending runs, each restart (at most one per kill) going back, none skipping a stage
  const restartedBadly = c.report.outOfOrder.filter((line) => {
    const got = line.slice(line.indexOf('got ') + 4).split(',').map((st) => Number(st.slice(1)));
    let restarts = 0;
    for (let i = 1; i < got.length; i++) {
      if (got[i]! > got[i - 1]! + 1) return true;
      if (got[i]! <= got[i - 1]!) restarts++;
    }
    return restarts > c.kills || got[got.length - 1] !== options.stages - 1;
  });
  expect(options.durability === 'batch' ? restartedBadly : folded, why).toEqual([]);
  expect(c.report.badDuplicates, why).toEqual([]);
  // 'sync': a re-run is an activation in flight at a kill, at most concurrency (16) per kill;
  // 'batch' adds the activations run since the last durable commit. Either way each at most once per kill.
  if (options.durability === 'sync') expect(c.report.duplicated.length, why).toBeLessThanOrEqual(16 * c.kills);
  for (const [activation, runs] of c.runsPerActivation) expect(runs, `${why}: ${activation}`).toBeLessThanOrEqual(1 + c.kills);
  expect(c.torn, why).toBeLessThanOrEqual(c.kills);
}

const seeds = Array.from({ length: Number(process.env['CRASH_SEEDS'] ?? 4) }, (_, i) => 101 + i);

describe('crash harness on SqliteJobStore (SIGKILL, restart, recover)', () => {
  for (const seed of seeds) {
    it(`F6/W10 seed ${seed}: 40 jobs × 6 stages, killed twice at random, recovered: lost 0, re-runs only of in-flight activations`, async () => {
      const options = { jobs: 40, stages: 6, kills: 2, durability: 'sync' as const, locked: seed === seeds[0] };
      const c = await crashRun(seed, options);
      checkCrashed(seed, c, options);
      expect(c.kills, `seed ${seed}: the child was never killed`).toBeGreaterThan(0);
      console.log(`crash seed ${seed}: kills ${c.kills}, recovered ${c.recovered.join('/')} jobs in ${c.recoverMs.map((m) => m.toFixed(0)).join('/')} ms, re-runs ${c.report.duplicated.length}, torn ledger lines ${c.torn}`);
      expect(c.recoverMs.every((ms) => ms < 2000), `seed ${seed}: recovery took ${c.recoverMs.join(', ')} ms`).toBe(true);
    }, 60_000);
  }

  it('F6 batch durability (batchMs 10): a kill only enlarges what re-runs, never loses committed input', async () => {
    const options = { jobs: 40, stages: 6, kills: 2, durability: 'batch' as const };
    const c = await crashRun(7, options);
    checkCrashed(7, c, options);
    expect(c.kills).toBeGreaterThan(0);
  }, 60_000);

  it('L9 the L1 shape (100 jobs × 10 stages here) on the durable store without a crash: every job completes, ledger exact, file bounded', async () => {
    const options = { jobs: 100, stages: 10, kills: 0, durability: 'sync' as const };
    const c = await crashRun(9, options);
    checkCrashed(9, c, options);
    expect(c.report.duplicated).toEqual([]);
    expect(c.report.handled).toBe(100 * 10);
    expect(statSync(join(dir, 's9-sync.db')).size).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});

describe('F7 graceful SIGTERM on SqliteJobStore, then restart', () => {
  it('no activation starts after the signal, in-flight ones finish, the rest is kept; after restart lost 0 and duplicated 0', async () => {
    const db = join(dir, 'f7.db');
    const ledgerPath = join(dir, 'f7.ledger');
    const common = ['120', '6', 'sync'];
    const first = await runChild([db, ledgerPath, 'start', ...common], undefined, async (p) => {
      // the signal comes mid-run: once some handlers have run, long before 720 activations are done
      for (let i = 0; i < 2000 && readDurableLedger(ledgerPath).ledger.entries.length < 40; i++) await new Promise((r) => setTimeout(r, 5));
      p.kill('SIGTERM');
    });
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    expect(first.lines).toContain('terminated');
    const mark = first.lines.find((l) => l.startsWith('sigterm '));
    expect(mark).toBeDefined();
    const atSignal = Number(mark!.slice('sigterm '.length));
    const afterFirst = readDurableLedger(ledgerPath).ledger.entries;
    // what the first process wrote after the signal: only the ends of handlers already running
    expect(afterFirst.slice(atSignal).filter((e) => e.phase === 'start')).toEqual([]);
    const store = new SqliteJobStore({ path: db });
    const unfinished = await store.listUnfinished();
    await store.close();
    expect(unfinished.length).toBeGreaterThan(0); // the stop came mid-run: there is work to continue

    const second = await runChild([db, ledgerPath, 'recover', ...common], undefined);
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    const again = new SqliteJobStore({ path: db });
    try {
      const ids = (await again.listJobs({ limit: 500 })).items.map((i) => i.jobId);
      const jobs = await Promise.all(ids.map((id) => again.load(id)));
      expect(jobs.map((j) => j!.status).filter((s) => s !== 'completed')).toEqual([]);
      const { ledger } = readDurableLedger(ledgerPath);
      const report = checkCrashLedger(ledger, Object.fromEntries(jobs.map((j) => [j!.jobId, ['m']])), Array.from({ length: 6 }, (_, i) => `s${i}`));
      expect(report.lost).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(report.duplicated).toEqual([]); // unlike a kill (F6), a graceful stop re-runs nothing
    } finally {
      await again.close();
    }
  }, 60_000);
});
