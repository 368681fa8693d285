import { describe, expect, it } from 'vitest';
import { Flow, JobState } from '../../src/index.js';
import { FnRoutine, ledgerSink } from '../fixtures/routines.js';
import { until } from '../helpers/gate.js';
import { Ledger, ids } from '../helpers/ledger.js';
import { flushAsync } from '../helpers/manual-clock.js';
import { distinctSorted, seededRandom } from '../helpers/random.js';

const MESSAGES = 1000;
const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * src emits MESSAGES numbered messages → work (async: yields to the event loop 0–2 times)
 * → sink. Both stages write the ledger.
 */
function build(ledger: Ledger, rand: () => number, onWork?: (id: string, jobState: JobState, flow: Flow) => void): Flow {
  const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 8 });
  const delays = Array.from({ length: MESSAGES }, () => Math.floor(rand() * 3));
  flow.addRoutine(
    new FnRoutine(
      {
        trigger() {
          for (let i = 0; i < MESSAGES; i++) this.emit('out', { id: String(i) });
        },
      },
      ['out'],
    ),
    'src',
  );
  flow.addRoutine(
    new FnRoutine(
      {
        async in(d, ctx) {
          const id = d['id'] as string;
          ledger.mark(ctx, id, 'start', 'work');
          for (let k = 0; k < delays[Number(id)]!; k++) await nextTurn();
          onWork?.(id, ctx.jobState, ctx.flow);
          this.emit('out', d);
          ledger.mark(ctx, id, 'end', 'work');
        },
      },
      ['out'],
    ),
    'work',
  );
  flow.addRoutine(ledgerSink(ledger), 'sink');
  flow.connect('src', 'out', 'work', 'in');
  flow.connect('work', 'out', 'sink', 'in');
  return flow;
}

const workEnds = (ledger: Ledger): number => ledger.entries.filter((e) => e.phase === 'end' && e.stage === 'work').length;
const starts = (ledger: Ledger): number => ledger.entries.filter((e) => e.phase === 'start').length;

describe('pause / resume under load (exactly once per message)', () => {
  it('should handle every message exactly once across 20 random outside pause/resume points (seeded)', async () => {
    const seed = 20240601;
    const rand = seededRandom(seed);
    const ledger = new Ledger();
    const flow = build(ledger, rand);
    const job = flow.start('src');
    // pause when the work stage has finished this many messages
    const points = distinctSorted(rand, 20, 10, MESSAGES - 100);
    let pauses = 0;
    for (const point of points) {
      await until(() => workEnds(ledger) >= point || job.status !== 'running', 100_000, `ledger reaches ${point} (seed ${seed})`);
      if (job.status !== 'running') break;
      await flow.pause(job, `pause ${pauses}`, { point });
      pauses++;
      expect(job.status).toBe('paused');
      // a cooperative pause leaves nothing in flight
      expect(ledger.check({}).unfinished, `seed ${seed}`).toEqual([]);
      const startedAtPause = starts(ledger);
      await flushAsync(3);
      expect(starts(ledger), `nothing starts while paused (seed ${seed})`).toBe(startedAtPause);
      expect(job.pausePoints).toHaveLength(pauses);
      expect(job.pausePoints.at(-1)).toMatchObject({ reason: `pause ${pauses - 1}`, checkpoint: { point } });
      void flow.resume(job);
    }
    expect(await JobState.waitForCompletion(flow, job)).toBe(true);
    expect(job.status).toBe('completed');
    expect(pauses, `seed ${seed}`).toBe(20);
    const report = ledger.check({ [job.jobId]: ids(MESSAGES) }, ['work', 'sink']);
    expect(report, `seed ${seed}`).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [], outOfOrder: [] });
    expect(report.handled).toBe(2 * MESSAGES);
  });

  it('should handle every message exactly once across 20 pauses requested from inside handlers (seeded)', async () => {
    const seed = 7;
    const rand = seededRandom(seed);
    const ledger = new Ledger();
    const pauseAt = new Set(distinctSorted(rand, 20, 0, MESSAGES - 1).map(String));
    const flow = build(ledger, rand, (id, jobState, f) => {
      if (pauseAt.delete(id)) void f.pause(jobState, `inside ${id}`);
    });
    let job = await flow.execute('src');
    let resumes = 0;
    while (job.status === 'paused') {
      expect(ledger.check({}).unfinished, `seed ${seed}`).toEqual([]);
      job = await flow.resume(job);
      resumes++;
    }
    expect(job.status).toBe('completed');
    expect(pauseAt.size).toBe(0);
    expect(resumes).toBeGreaterThan(0);
    expect(resumes).toBe(job.pausePoints.length);
    expect(ledger.check({ [job.jobId]: ids(MESSAGES) }, ['work', 'sink']), `seed ${seed}`).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [], outOfOrder: [] });
  });
});
