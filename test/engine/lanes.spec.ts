import { describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, JobState, Runtime, RoutineBase } from '../../src/index.js';
import { Gate, until } from '../helpers/gate.js';

/** trigger → fan out `n` messages → `work` awaits the gate; counts concurrent activations per job. */
function gatedFlow(gate: Gate, peaks: Map<string, number>, strategy: 'sequential' | 'concurrent', maxWorkers?: number): Flow {
  const active = new Map<string, number>();
  class Src extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out');
      this.defineSlot('trigger', (d: { n: number }) => {
        for (let i = 0; i < d.n; i++) this.emit('out', { i });
      });
    }
  }
  class Work extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', async (_d, ctx) => {
        const id = ctx.jobState.jobId;
        const now = (active.get(id) ?? 0) + 1;
        active.set(id, now);
        peaks.set(id, Math.max(peaks.get(id) ?? 0, now));
        await gate.wait();
        active.set(id, (active.get(id) ?? 1) - 1);
      });
    }
  }
  const flow = new Flow({ executionStrategy: strategy, ...(maxWorkers !== undefined ? { maxWorkers } : {}) });
  flow.addRoutine(new Src(), 'src');
  flow.addRoutine(new Work(), 'work');
  flow.connect('src', 'out', 'work', 'in');
  return flow;
}

describe('per-job worker caps on a shared scheduler', () => {
  it('jobs of one flow do not share maxWorkers: each job has its own cap', async () => {
    const gate = new Gate();
    const peaks = new Map<string, number>();
    const flow = gatedFlow(gate, peaks, 'concurrent', 3);
    const a = flow.start('src', { n: 6 });
    const b = flow.start('src', { n: 6 });
    await until(() => gate.waiting === 6);
    expect(peaks.get(a.jobId)).toBe(3);
    expect(peaks.get(b.jobId)).toBe(3);
    gate.open();
    await Promise.all([JobState.waitForCompletion(flow, a), JobState.waitForCompletion(flow, b)]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(peaks.get(a.jobId)).toBe(3);
  });

  it('two jobs of a sequential flow each run one activation at a time, side by side', async () => {
    const gate = new Gate();
    const peaks = new Map<string, number>();
    const flow = gatedFlow(gate, peaks, 'sequential');
    const a = flow.start('src', { n: 3 });
    const b = flow.start('src', { n: 3 });
    await until(() => gate.waiting === 2);
    gate.open();
    await Promise.all([JobState.waitForCompletion(flow, a), JobState.waitForCompletion(flow, b)]);
    expect(peaks.get(a.jobId)).toBe(1);
    expect(peaks.get(b.jobId)).toBe(1);
  });

  it("under a Runtime a job keeps its flow's cap, and the runtime's concurrency bounds the total", async () => {
    const gate = new Gate();
    const peaks = new Map<string, number>();
    const registry = new FlowRegistry();
    registry.registerByName('g', gatedFlow(gate, peaks, 'concurrent', 2));
    const runtime = new Runtime({ concurrency: 3, registry });
    const jobs = [runtime.exec('g', { entryParams: { n: 4 } }), runtime.exec('g', { entryParams: { n: 4 } })];
    await until(() => gate.waiting === 3); // 2 + 1: the runtime budget, not 4
    expect(runtime.active).toBe(3);
    gate.open();
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    for (const j of jobs) expect(peaks.get(j.jobId)).toBeLessThanOrEqual(2);
    await runtime.shutdown();
  });
});
