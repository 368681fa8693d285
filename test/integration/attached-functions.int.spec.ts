import { describe, expect, it } from 'vitest';
import { Flow, FunctionRegistry, Routine, RoutineBase, immediatePolicy, type LogicFunction } from '../../src/index.js';
import { codeOf } from '../helpers/errors.js';

@Routine({ name: 'attached.logic-in-constructor' })
class LogicInConstructor extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger');
    this.defineEvent('out');
    this.setLogic((slotData) => this.emit('out', { n: slotData['trigger']?.length ?? 0 }));
    this.setActivationPolicy(immediatePolicy());
  }
}

@Routine({ name: 'attached.generic' })
class Generic extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger');
    this.defineEvent('out');
  }
}

@Routine({ name: 'attached.merge-in-constructor' })
class MergeInConstructor extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => {}, { merge: (buffer, incoming) => ({ ...buffer, ...incoming }) });
  }
}

function flowOf(routine: RoutineBase): Flow {
  const flow = new Flow({ flowId: 'attached' });
  flow.addRoutine(routine, 'r');
  return flow;
}

describe('functions attached from outside a class (api.md §7)', () => {
  it('a logic or custom merge the class defines in its constructor serializes with the class', () => {
    expect(codeOf(() => flowOf(new LogicInConstructor()).serialize())).toBeUndefined();
    expect(codeOf(() => flowOf(new MergeInConstructor()).serialize())).toBeUndefined();
    const loaded = Flow.deserialize(JSON.parse(JSON.stringify(flowOf(new LogicInConstructor()).serialize())));
    expect(loaded.routines.get('r')!.getLogic()).toBeTypeOf('function');
  });

  it('an unregistered setLogic given from outside is UNSERIALIZABLE_FUNCTION, before and after addRoutine', () => {
    const before = new Generic();
    before.setLogic(() => {});
    expect(codeOf(() => flowOf(before).serialize())).toBe('UNSERIALIZABLE_FUNCTION');
    const flow = flowOf(new Generic());
    flow.routines.get('r')!.setLogic(() => {});
    expect(codeOf(() => flow.serialize())).toBe('UNSERIALIZABLE_FUNCTION');
    // Replacing a class-defined logic from outside counts as attached too.
    const replaced = new LogicInConstructor();
    replaced.setLogic(() => {});
    expect(codeOf(() => flowOf(replaced).serialize())).toBe('UNSERIALIZABLE_FUNCTION');
  });

  it('a registered logic given from outside serializes by name and is restored on load', () => {
    const logic: LogicFunction = () => {};
    FunctionRegistry.register('attached.registered-logic', logic);
    const routine = new Generic();
    routine.setLogic(logic);
    const doc = flowOf(routine).serialize();
    expect(doc.routines['r']!.logic).toBe('attached.registered-logic');
    const loaded = Flow.deserialize(JSON.parse(JSON.stringify(doc)));
    expect(loaded.routines.get('r')!.getLogic()).toBe(logic);
    expect(codeOf(() => loaded.serialize())).toBeUndefined();
  });

  it('a slot with a handler or a custom merge defined from outside is UNSERIALIZABLE_FUNCTION', () => {
    const withHandler = new Generic();
    withHandler.defineSlot('extra', () => {});
    expect(codeOf(() => flowOf(withHandler).serialize())).toBe('UNSERIALIZABLE_FUNCTION');
    const withMerge = new Generic();
    withMerge.defineSlot('extra', undefined, { merge: (b, i) => ({ ...b, ...i }) });
    expect(codeOf(() => flowOf(withMerge).serialize())).toBe('UNSERIALIZABLE_FUNCTION');
  });

  it('a routine built inside some other class constructor is still attached-to from outside', () => {
    class Builder {
      readonly routine = new Generic();
      constructor() {
        this.routine.setLogic(() => {});
      }
    }
    expect(codeOf(() => flowOf(new Builder().routine).serialize())).toBe('UNSERIALIZABLE_FUNCTION');
  });
});

describe('slots a routine defines from its own configuration', () => {
  it('are recreated from the configuration, so they serialize (Aggregator sources), also after a load', async () => {
    const { Aggregator } = await import('../../src/builtins/index.js');
    const flow = new Flow({ flowId: 'agg' });
    flow.addRoutine(new Aggregator({ sources: ['left', 'right'] } as never), 'agg');
    const doc = JSON.parse(JSON.stringify(flow.serialize())) as unknown;
    const loaded = Flow.deserialize(doc);
    expect([...loaded.routines.get('agg')!.slots.keys()]).toEqual(expect.arrayContaining(['left', 'right']));
    expect(codeOf(() => loaded.serialize())).toBeUndefined();
  });
});
