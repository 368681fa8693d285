import { describe, expect, it } from 'vitest';
import { Flow, RoutineBase, type RoutiluxEvent } from '../../src/index.js';

function flowWith(failB: boolean): Flow {
  class Src extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out');
      this.defineSlot('trigger', () => this.emit('out', { v: 1 }));
    }
  }
  class Leaf extends RoutineBase {
    constructor(private readonly bad: boolean) {
      super();
      this.defineSlot('in', (d: { v: number }) => {
        if (this.bad) throw new Error('boom');
        this.sendOutput('result', { v: d.v });
      });
    }
  }
  const flow = new Flow();
  flow.addRoutine(new Src(), 'src');
  flow.addRoutine(new Leaf(false), 'a');
  flow.addRoutine(new Leaf(failB), 'b');
  flow.connect('src', 'out', 'a', 'in');
  flow.connect('src', 'out', 'b', 'in');
  return flow;
}

const brief = (e: RoutiluxEvent): string => {
  switch (e.type) {
    case 'activation.started': return `start ${e.routineId}`;
    case 'activation.finished': return `end ${e.routineId} ${e.outcome}${e.error ? ' ' + e.error.code : ''}`;
    case 'event.emitted': return `emit ${e.routineId}.${e.event} ${e.targets}`;
    case 'output': return `output ${e.routineId} ${e.outputType}`;
    case 'job.status': return `status ${e.status}`;
    default: return e.type;
  }
};

describe('flow.events$', () => {
  it('delivers a fan-out job in causal order with its outputs, ending with the final status', async () => {
    const flow = flowWith(false);
    const seen: RoutiluxEvent[] = [];
    const sub = flow.events$.subscribe((e) => seen.push(e));
    const job = await flow.execute('src', {});
    sub.unsubscribe();
    expect(job.status).toBe('completed');
    expect(seen.map(brief)).toEqual([
      'job.started', 'start src', 'emit src.out 2', 'end src completed',
      'start a', 'output a result', 'end a completed', 'start b', 'output b result', 'end b completed',
      'status completed',
    ]);
    for (const e of seen) {
      expect(e.jobId).toBe(job.jobId);
      expect(e.flowId).toBe(flow.flowId);
      expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    }
    const ats = seen.map((e) => Date.parse(e.at));
    expect([...ats].sort((x, y) => x - y)).toEqual(ats);
  });

  it('a failure: the activation fails with its code and the job status carries the error', async () => {
    const flow = flowWith(true);
    const seen: RoutiluxEvent[] = [];
    flow.events$.subscribe((e) => seen.push(e));
    await flow.execute('src', {});
    expect(seen.map(brief).slice(-2)).toEqual(['end b failed ROUTINE_FAILED', 'status failed']);
  });

  it('builds nothing without a subscriber', async () => {
    const flow = flowWith(false);
    const job = await flow.execute('src', {});
    expect(job.status).toBe('completed');
  });
});
