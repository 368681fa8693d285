import { describe, expect, it } from 'vitest';
import { Flow, JobState, RoutineBase, type ExecutionContext } from '../../src/index.js';

/** src emits `n` messages to five workers w0..w4; each worker records and forwards to a sink. */
function fanFlow(log: string[], onWork?: (worker: string, i: number, ctx: ExecutionContext) => void): Flow {
  class Src extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out');
      this.defineSlot('trigger', (d: { n: number }) => {
        for (let i = 0; i < d.n; i++) this.emit('out', { i });
        log.push('src done');
      });
    }
  }
  class Worker extends RoutineBase {
    constructor(private readonly name: string) {
      super();
      this.defineEvent('out');
      this.defineSlot('in', (d: { i: number }, ctx) => {
        log.push(`${this.name}:${d.i}:${ctx.taskId}`);
        onWork?.(this.name, d.i, ctx);
        this.emit('out', { i: d.i, from: this.name });
      });
    }
  }
  class Sink extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('in', (d: { i: number; from: string }) => void log.push(`sink:${d.from}:${d.i}`));
    }
  }
  const flow = new Flow();
  flow.addRoutine(new Src(), 'src');
  flow.addRoutine(new Sink(), 'sink');
  for (let k = 0; k < 5; k++) {
    flow.addRoutine(new Worker(`w${k}`), `w${k}`);
    flow.connect('src', 'out', `w${k}`, 'in');
    flow.connect(`w${k}`, 'out', 'sink', 'in');
  }
  return flow;
}

describe('fan-out deliveries', () => {
  it('run breadth-first in connection order with consecutive task ids', async () => {
    const log: string[] = [];
    const job = await fanFlow(log).execute('src', { n: 2 });
    expect(job.status).toBe('completed');
    expect(log.slice(0, 11)).toEqual(['src done', 'w0:0:t2', 'w1:0:t3', 'w2:0:t4', 'w3:0:t5', 'w4:0:t6', 'w0:1:t7', 'w1:1:t8', 'w2:1:t9', 'w3:1:t10', 'w4:1:t11']);
    expect(log.filter((l) => l.startsWith('sink:'))).toHaveLength(10);
  });

  it('a pause in the middle of a fan-out keeps the remaining targets as pending tasks, in order', async () => {
    const log: string[] = [];
    const flow = fanFlow(log, (worker, i, ctx) => {
      if (worker === 'w1' && i === 0) void ctx.flow.pause(ctx.jobState, 'mid fan-out');
    });
    const job = await flow.execute('src', { n: 2 });
    expect(job.status).toBe('paused');
    const pending = job.pendingTasks.map((p) => `${p.routineId}:${String(p.data['i'])}:${p.taskId}`);
    expect(pending.slice(0, 8)).toEqual(['w2:0:t4', 'w3:0:t5', 'w4:0:t6', 'w0:1:t7', 'w1:1:t8', 'w2:1:t9', 'w3:1:t10', 'w4:1:t11']);
    // the snapshot of the paused job resumes elsewhere and every delivery runs exactly once
    const restored = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    const done = await flow.resume(restored);
    expect(done.status).toBe('completed');
    const work = log.filter((l) => /^w\d:/.test(l)).map((l) => l.split(':').slice(0, 2).join(':'));
    expect(work.sort()).toEqual(['w0:0', 'w0:1', 'w1:0', 'w1:1', 'w2:0', 'w2:1', 'w3:0', 'w3:1', 'w4:0', 'w4:1']);
    expect(log.filter((l) => l.startsWith('sink:'))).toHaveLength(10);
  });

  it('a snapshot of a running job lists the undelivered fan-out targets', async () => {
    const log: string[] = [];
    let snapshot: unknown;
    const flow = fanFlow(log, (worker, i, ctx) => {
      if (worker === 'w3' && i === 1) snapshot = JSON.parse(JSON.stringify(ctx.jobState.serialize()));
    });
    await flow.execute('src', { n: 2 });
    const pending = (snapshot as { pendingTasks: { routineId: string; taskId: string; attempt: number }[] }).pendingTasks;
    // the running activation (w3:1, re-run as attempt 2), then w4:1, then the sink deliveries queued so far
    expect(pending.slice(0, 2)).toEqual([expect.objectContaining({ routineId: 'w3', taskId: 't10', attempt: 2 }), expect.objectContaining({ routineId: 'w4', taskId: 't11', attempt: 1 })]);
    expect(pending.filter((p) => p.routineId === 'sink')).toHaveLength(8);
  });
});
