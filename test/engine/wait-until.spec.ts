import { describe, expect, it } from 'vitest';
import { Flow, RoutineBase, type ExecutionContext, type JobState } from '../../src/index.js';
import { deferred, until } from '../helpers/gate.js';

describe('ctx.waitUntil', () => {
  function build(later: Promise<void>, seen: string[]): Flow {
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineEvent('late');
        this.defineSlot('trigger', (_d, ctx: ExecutionContext) => {
          this.emit('out', { n: 1 });
          this.emit('out', { n: 2 });
          ctx.waitUntil(later.then(() => this.emit('late', { n: 99 })));
        });
      }
    }
    class Sink extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', (d: { n: number }) => void seen.push(`in ${d.n}`));
      }
    }
    const flow = new Flow(); // sequential: one worker
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Sink(), 'sink');
    flow.connect('src', 'out', 'sink', 'in');
    flow.connect('src', 'late', 'sink', 'in');
    return flow;
  }

  it('keeps the job running until the promise settles, without holding the worker; its emits are delivered', async () => {
    const gate = deferred();
    const seen: string[] = [];
    const flow = build(gate.promise, seen);
    let finished: JobState | undefined;
    void flow.execute('src').then((j) => (finished = j));
    await until(() => seen.length === 2); // the sequential job went on while the hold was due
    expect(finished).toBeUndefined();
    gate.resolve();
    await until(() => finished !== undefined);
    expect(finished!.status).toBe('completed');
    expect(seen).toEqual(['in 1', 'in 2', 'in 99']);
  });

  it('records a rejected hold as an error of the routine and still completes', async () => {
    const gate = deferred();
    const flow = build(gate.promise, []);
    const p = flow.execute('src');
    gate.reject(new Error('late failure'));
    const job = await p;
    expect(job.status).toBe('completed');
    expect(job.getExecutionHistory('src').filter((h) => h.eventName === 'error')).toEqual([expect.objectContaining({ data: expect.objectContaining({ error: 'late failure', detached: true }) })]);
  });

  it('is dropped by cancel: the job ends at once and late emits are ignored', async () => {
    const gate = deferred();
    const seen: string[] = [];
    const flow = build(gate.promise, seen);
    const job = flow.start('src');
    await until(() => seen.length === 2);
    await flow.cancel(job);
    expect(job.status).toBe('cancelled');
    gate.resolve();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['in 1', 'in 2']);
  });

  it('rejects a non-promise with INVALID_ARGUMENT', async () => {
    class Bad extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', (_d, ctx: ExecutionContext) => ctx.waitUntil(42 as unknown as Promise<void>));
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Bad(), 'bad');
    const job = await flow.execute('bad');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('INVALID_ARGUMENT');
  });
});
