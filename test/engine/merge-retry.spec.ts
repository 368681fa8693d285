import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, RoutineBase, type ExecutionContext } from '../../src/index.js';

describe('retries and merges', () => {
  it('redoes a custom merge that threw when the activation is retried', async () => {
    let mergeCalls = 0;
    const received: unknown[] = [];
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineSlot('trigger', () => this.emit('out', { v: 5 }));
      }
    }
    class Sum extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', (d) => received.push(d), {
          merge: (buffer, incoming) => {
            mergeCalls++;
            if (mergeCalls === 1) throw new Error('merge hiccup');
            return { total: ((buffer['total'] as number | undefined) ?? 0) + (incoming['v'] as number) };
          },
        });
      }
    }
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(new Src(), 'src');
    const sum = new Sum();
    sum.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 1, retryDelay: 0 }));
    flow.addRoutine(sum, 'sum');
    flow.connect('src', 'out', 'sum', 'in');
    const job = await flow.execute('src');
    expect(job.status).toBe('completed');
    expect(received).toEqual([{ total: 5 }]);
    expect(mergeCalls).toBe(2);
  });

  it('gives every target of one emit its own top-level object, also after a pause', async () => {
    const seen: Record<string, unknown>[] = [];
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineSlot('trigger', (_d, ctx: ExecutionContext) => {
          this.emit('out', { n: 1 });
          void ctx.flow.pause(ctx.jobState);
        });
      }
    }
    class Mut extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', (d: Record<string, unknown>) => {
          d['touched'] = (d['touched'] as number | undefined ?? 0) + 1;
          seen.push(d);
        });
      }
    }
    const flow = new Flow();
    flow.addRoutine(new Src(), 'src');
    flow.addRoutine(new Mut(), 'a');
    flow.addRoutine(new Mut(), 'b');
    flow.connect('src', 'out', 'a', 'in');
    flow.connect('src', 'out', 'b', 'in');
    const job = await flow.execute('src');
    expect(job.pendingTasks).toHaveLength(2);
    expect(job.pendingTasks[0]!.data).not.toBe(job.pendingTasks[1]!.data);
    await flow.resume(job);
    expect(seen).toEqual([{ n: 1, touched: 1 }, { n: 1, touched: 1 }]);
    expect(seen[0]).not.toBe(seen[1]);
  });
});

describe('payload copies', () => {
  it('are taken at emit: changing the emitted object afterwards reaches no delivery', async () => {
    const seen: unknown[] = [];
    class Src extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineSlot('trigger', () => {
          const p: Record<string, unknown> = { v: 1 };
          this.emit('out', p);
          p['v'] = 2; // after emit, before any downstream handler runs
          p['extra'] = true;
        });
      }
    }
    class Sink extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('in', (d) => void seen.push(d));
      }
    }
    for (const width of [1, 3]) {
      seen.length = 0;
      const flow = new Flow();
      flow.addRoutine(new Src(), 'src');
      for (let k = 0; k < width; k++) {
        flow.addRoutine(new Sink(), `s${k}`);
        flow.connect('src', 'out', `s${k}`, 'in');
      }
      await flow.execute('src');
      expect(seen).toEqual(Array.from({ length: width }, () => ({ v: 1 })));
    }
  });
});
