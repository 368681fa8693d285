import { describe, expect, it } from 'vitest';
import { Flow, FunctionRegistry, JobState, Routine, RoutineBase, batchSizePolicy, customPolicy, isRoutiluxError, type ExecutionContext } from '../../src/index.js';
import { ConditionalRouter, Filter } from '../../src/builtins/index.js';

@Routine({ name: 'ser.Numbers' })
class Numbers extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out', ['n']);
    this.defineSlot('trigger', (d: { count: number }) => {
      for (let n = 1; n <= d.count; n++) this.emit('out', { n });
    });
  }
}

@Routine({ name: 'ser.Batches' })
class Batches extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in');
    this.setLogic((slotData, _msg, jobState) => {
      const batch = (slotData['in'] ?? []).map((p) => p['n'] as number);
      jobState.updateSharedData('batches', [...(jobState.getSharedData<number[][]>('batches') ?? []), batch]);
      if (batch.includes(4)) {
        const ctx = this.getExecutionContext() as ExecutionContext;
        void ctx.flow.pause(ctx.jobState, 'mid-batch');
      }
    });
    this.setActivationPolicy(batchSizePolicy(2));
  }
}

function policyFlow(): Flow {
  const flow = new Flow({ flowId: 'policy-ser' });
  flow.addRoutine(new Numbers(), 'numbers');
  flow.addRoutine(new Batches(), 'batches');
  flow.connect('numbers', 'out', 'batches', 'in');
  return flow;
}

describe('serialization of activation policies and logic routines', () => {
  it('saves the routine policy in the flow and rebuilds it', () => {
    const doc = policyFlow().serialize();
    expect(doc.routines['batches']?.activationPolicy).toEqual({ type: 'batch_size', config: { batchSize: 2 } });
    const copy = Flow.deserialize(JSON.parse(JSON.stringify(doc)));
    expect(copy.routines.get('batches')?.getActivationPolicy()?.toJSON()).toEqual({ type: 'batch_size', config: { batchSize: 2 } });
  });

  it('a paused job with queued slot data and a per-job policy override resumes after a JSON round trip', async () => {
    const flow = policyFlow();
    const job = flow.start('numbers', { count: 7 });
    const paused = await flow.resume(job); // resolves when the job stops running
    expect(paused.status).toBe('paused');
    const check = FunctionRegistry.register('ser.anyData', (slots: Readonly<Record<string, readonly Record<string, unknown>[]>>) => (slots['in']?.length ?? 0) > 0, { override: true });
    job.setRoutineActivationPolicy('batches', customPolicy(check));
    const doc = JSON.parse(JSON.stringify(job.serialize())) as Record<string, unknown>;
    expect(doc['activationPolicies']).toEqual({ batches: { type: 'custom', config: { check: 'ser.anyData' } } });
    const restored = JobState.deserialize(doc);
    const done = await Flow.deserialize(JSON.parse(JSON.stringify(flow.serialize()))).resume(restored);
    expect(done.status).toBe('completed');
    const batches = done.getSharedData<number[][]>('batches') ?? [];
    expect(batches.slice(0, 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('malformed policy data is a typed error', () => {
    const flow = policyFlow();
    const job = new JobState(flow.flowId);
    const doc = JSON.parse(JSON.stringify(job.serialize())) as Record<string, unknown>;
    for (const bad of [{ activationPolicies: { b: { type: 'nope', config: {} } } }, { slotQueues: { b: { in: [1] } } }, { lastActivationAt: { b: 'soon' } }]) {
      try {
        JobState.deserialize({ ...doc, ...bad });
        expect.unreachable();
      } catch (e) {
        expect(isRoutiluxError(e) && e.code).toBe('INVALID_FORMAT');
      }
    }
  });
});

describe('flows of built-in routines round-trip', () => {
  it('a router whose events come from its configuration loads and routes the same', async () => {
    const flow = new Flow({ flowId: 'builtin-ser' });
    flow.addRoutine(new Numbers(), 'numbers');
    flow.addRoutine(new ConditionalRouter({ routes: [{ name: 'even', when: 'data.n % 2 == 0' }], defaultRoute: 'odd' }), 'router');
    flow.addRoutine(new Filter({ condition: 'data.data.n > 2' }), 'bigEven');
    flow.connect('numbers', 'out', 'router', 'input');
    flow.connect('router', 'even', 'bigEven', 'input');
    const copy = Flow.deserialize(JSON.parse(JSON.stringify(flow.serialize())));
    expect(copy.serialize()).toEqual(flow.serialize());
    expect([...copy.routines.get('router')!.events.keys()].sort()).toEqual(['even', 'odd', 'unmatched']);
    const a = await flow.execute('numbers', { count: 6 });
    const b = await copy.execute('numbers', { count: 6 });
    expect(b.status).toBe('completed');
    expect(b.getRoutineState('bigEven')?.executions).toBe(a.getRoutineState('bigEven')?.executions);
  });
});
