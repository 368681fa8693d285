import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Flow, JobState } from '../../src/index.js';
import { buildLedgerFlow } from './fixtures/ledger-flow.js';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');

interface Line {
  stage: string;
  id: number;
  attempt: number;
  pid: number;
}

function readLedger(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [stage, id, attempt, pid] = l.split(' ');
      return { stage: stage!, id: Number(id), attempt: Number(attempt), pid: Number(pid) };
    });
}

function countPerStage(lines: Line[], stages: string[], n: number): { lost: number; duplicated: number } {
  let lost = 0;
  let duplicated = 0;
  for (const stage of stages) {
    const seen = new Map<number, number>();
    for (const l of lines) if (l.stage === stage) seen.set(l.id, (seen.get(l.id) ?? 0) + 1);
    for (let i = 0; i < n; i++) {
      const c = seen.get(i) ?? 0;
      if (c === 0) lost++;
      if (c > 1) duplicated += c - 1;
    }
  }
  return { lost, duplicated };
}

describe('cross-process resume', () => {
  it('pauses with pending work, resumes in a fresh Node process, and handles every message exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routilux-xproc-'));
    const ledger = join(dir, 'ledger.txt');
    writeFileSync(ledger, '');
    const flow = buildLedgerFlow();
    const job = flow.start('src', { count: 200, ledgerPath: ledger });
    job.updateSharedData('pauseAt', 40);
    const paused = await JobState.waitForCompletion(flow, job, { timeout: 10_000 });
    expect(paused).toBe(true);
    expect(job.status).toBe('paused');
    expect(job.pendingTasks.length).toBeGreaterThan(0);
    expect(job.pausePoints).toHaveLength(1);
    expect(job.pausePoints[0]!.checkpoint).toEqual({ at: 40 });

    const flowPath = join(dir, 'flow.json');
    const jobPath = join(dir, 'job.json');
    const outPath = join(dir, 'out.json');
    writeFileSync(flowPath, JSON.stringify(flow.serialize()));
    await job.save(jobPath);
    const before = readLedger(ledger);
    expect(before.length).toBeLessThan(200 * 3);

    await run(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures/resume-child.ts'), flowPath, jobPath, outPath], { cwd: root, timeout: 60_000 });

    const lines = readLedger(ledger);
    const pids = new Set(lines.map((l) => l.pid));
    expect(pids.size).toBe(2); // work really happened in both processes
    expect(countPerStage(lines, ['stage1', 'stage2', 'sink'], 200)).toEqual({ lost: 0, duplicated: 0 });
    const final = JobState.deserialize(JSON.parse(readFileSync(outPath, 'utf8')));
    expect(final.status).toBe('completed');
    expect(final.jobId).toBe(job.jobId);
    expect(final.getSharedData('sinkCount')).toBe(200);
    expect(final.pendingTasks).toHaveLength(0);
    expect(final.pausePoints).toHaveLength(1);
    // the sink's per-job 'append' buffer was carried across processes
    const buffer = final.serialize().slotBuffers.find((b) => b.routineId === 'sink' && b.slotName === 'in');
    expect([...(buffer!.data['id'] as number[])].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  }, 90_000);

  it('resumes a job that was never paused from a snapshot taken mid-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routilux-snap-'));
    const ledger = join(dir, 'ledger.txt');
    writeFileSync(ledger, '');
    const flow = buildLedgerFlow();
    const job = flow.start('src', { count: 100, ledgerPath: ledger });
    // Take the snapshot between activations: wait until some sink work is done, then
    // serialize while the job is still running (in-flight activations are recorded as re-runs).
    await new Promise<void>((resolveWait) => {
      const poll = (): void => {
        if ((job.tracker.getRoutinePerformance('stage1')?.completed ?? 0) >= 20) resolveWait();
        else setImmediate(poll);
      };
      poll();
    });
    expect(job.status).toBe('running');
    const snapshot = JSON.parse(JSON.stringify(job.serialize())) as unknown;
    await flow.cancel(job, 'moved elsewhere');
    expect(job.status).toBe('cancelled');

    const restored = JobState.deserialize(snapshot);
    expect(restored.status).toBe('running');
    const other = Flow.deserialize(JSON.parse(JSON.stringify(flow.serialize())));
    const done = await other.resume(restored);
    expect(done.status).toBe('completed');
    // Every message reached every stage; the only duplicates are activations that were in
    // flight at the snapshot: the original finished them after the cancel (their emits were
    // fenced off) and the restored job re-ran them as attempt 2 with the same task.
    const lines = readLedger(ledger);
    let duplicates = 0;
    for (const stage of ['stage1', 'stage2', 'sink']) {
      for (let id = 0; id < 100; id++) {
        const hits = lines.filter((l) => l.stage === stage && l.id === id);
        expect(hits.length, `${stage} ${id}`).toBeGreaterThanOrEqual(1);
        expect(hits.length, `${stage} ${id}`).toBeLessThanOrEqual(2);
        if (hits.length === 2) {
          duplicates++;
          expect(hits.map((h) => h.attempt).sort()).toEqual([1, 2]);
        }
      }
    }
    expect(duplicates).toBeLessThanOrEqual(8); // at most maxWorkers activations in flight
  }, 30_000);
});
