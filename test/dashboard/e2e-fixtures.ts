import { Flow, FlowRegistry, RoutineBase, RoutineRegistry, Runtime } from '../../src/index.js';
import { createFlagshipFlow } from '../../examples/00-flagship/flow.js';

export const KEY = 'dashboard-e2e-key-0123456789';

/** Emits `count` items (default 12) from its trigger. */
class Split extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('item', ['n']);
    this.defineSlot<{ count?: number }>('trigger', (data) => {
      for (let n = 1; n <= (data.count ?? 12); n++) this.emit('item', { n });
    });
  }
}

/** Works on one item for `ms` of real time (long enough to pause the job in between). */
class Work extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('done', ['n', 'square']);
    this.defineSlot<{ n: number; ms?: number }>('input', async (data, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      this.sendOutput('progress', `item ${data.n} done`);
      ctx.jobState.updateSharedData('last', data.n);
      this.emit('done', { n: data.n, square: data.n * data.n });
    });
  }
}

/** Collects every result (append merge). */
class Collect extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ value: number[] }>(
      'results',
      (merged, ctx) => {
        ctx.jobState.updateSharedData('collected', merged.value.length);
      },
      { merge: 'append' },
    );
  }
}

RoutineRegistry.register('e2e.Split', Split);
RoutineRegistry.register('e2e.Work', Work);
RoutineRegistry.register('e2e.Collect', Collect);

/** split → work (one at a time, 120 ms each) → collect, with a paramMapping on the last edge. */
export function batchFlow(): Flow {
  const flow = new Flow({ flowId: 'batch', maxWorkers: 1 });
  flow.addRoutine(new Split(), 'split');
  flow.addRoutine(new Work(), 'work');
  flow.addRoutine(new Collect(), 'collect');
  flow.connect('split', 'item', 'work', 'input');
  flow.connect('work', 'done', 'collect', 'results', { square: 'value' });
  return flow;
}

/** A runtime and registry with the flagship and batch flows registered. */
export function e2eRuntime(): { runtime: Runtime; registry: FlowRegistry } {
  const registry = new FlowRegistry();
  const runtime = new Runtime({ registry, concurrency: 8 });
  registry.registerByName('flagship', createFlagshipFlow());
  registry.registerByName('batch', batchFlow());
  return { runtime, registry };
}
