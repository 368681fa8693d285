import { describe, expect, it } from 'vitest';
import { Event, Flow, Routine, RoutineBase, RoutineRegistry, Slot, event, scanRoutineClass, type ExecutionContext } from '../../../src/index.js';
import { codeOf } from '../../helpers/errors.js';

@Routine({ name: 'test.decorated.upper' })
class DecoratedUpper extends RoutineBase {
  @Event('output', { params: ['text'] })
  readonly output = event<{ text: string }>();

  @Slot('trigger', { merge: 'override' })
  onTrigger(data: { text: string }) {
    this.output.emit({ text: data.text.toUpperCase() + this.getConfig<string>('suffix', '') });
  }
}

class ProgrammaticUpper extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ text: string }>('trigger', (data) => this.emit('output', { text: String(data.text).toUpperCase() + this.getConfig<string>('suffix', '') }), { merge: 'override' });
    this.defineEvent('output', ['text']);
  }
}

class Sink extends RoutineBase {
  readonly got: unknown[] = [];
  constructor() {
    super();
    this.defineSlot('in', (data) => void this.got.push(data));
  }
}

async function runUpper(routine: RoutineBase, text: string): Promise<{ got: unknown[]; status: string; history: string[] }> {
  const flow = new Flow();
  const sink = new Sink();
  flow.addRoutine(routine, 'upper');
  flow.addRoutine(sink, 'sink');
  flow.connect('upper', 'output', 'sink', 'in');
  const job = await flow.execute('upper', { text });
  return { got: sink.got, status: job.status, history: job.executionHistory.map((h) => `${h.routineId}:${h.eventName}`) };
}

describe('@Routine / @Slot / @Event and the programmatic form', () => {
  it('should produce the same slot and event definitions', () => {
    const d = new DecoratedUpper();
    const p = new ProgrammaticUpper();
    expect([...d.slots.keys()]).toEqual([...p.slots.keys()]);
    expect([...d.events.keys()]).toEqual([...p.events.keys()]);
    expect(d.slots.get('trigger')).toMatchObject({ name: 'trigger', merge: 'override', maxQueueLength: 1000 });
    expect(p.slots.get('trigger')).toMatchObject({ name: 'trigger', merge: 'override', maxQueueLength: 1000 });
    expect(typeof d.slots.get('trigger')!.handler).toBe('function');
    expect(d.events.get('output')).toEqual(p.events.get('output'));
    expect(d.events.get('output')).toEqual({ name: 'output', params: ['text'] });
  });

  it('should behave identically in a flow', async () => {
    const d = new DecoratedUpper();
    const p = new ProgrammaticUpper();
    d.setConfig({ suffix: '!' });
    p.setConfig({ suffix: '!' });
    const a = await runUpper(d, 'hi');
    const b = await runUpper(p, 'hi');
    expect(a).toEqual(b);
    expect(a).toEqual({ got: [{ text: 'HI!' }], status: 'completed', history: ['upper:start', 'upper:output'] });
  });

  it('should pass (data, ctx) to a decorated handler and bind `this`', async () => {
    const seen: { self: unknown; ctx: ExecutionContext | undefined; data: unknown }[] = [];
    class Probe extends RoutineBase {
      @Slot()
      trigger(data: object, ctx: ExecutionContext) {
        seen.push({ self: this, ctx, data });
      }
    }
    const probe = new Probe();
    const flow = new Flow();
    flow.addRoutine(probe, 'p');
    await flow.execute('p', { x: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.self).toBe(probe);
    expect(seen[0]!.data).toEqual({ x: 1 });
    expect(seen[0]!.ctx?.routineId).toBe('p');
  });

  it('should default the slot name to the method name and the event name to the property key', () => {
    class Defaults extends RoutineBase {
      @Event() readonly done = event();
      @Event({ params: ['a'] }) readonly other = event();
      @Slot() handleIt() {}
      @Slot({ merge: 'append' }) collect() {}
    }
    const r = new Defaults();
    expect([...r.slots.keys()].sort()).toEqual(['collect', 'handleIt']);
    expect(r.slots.get('collect')!.merge).toBe('append');
    expect([...r.events.keys()].sort()).toEqual(['done', 'other']);
    expect(r.events.get('other')!.params).toEqual(['a']);
  });

  it('should default the @Routine type name to the class name and register it', () => {
    @Routine()
    class DefaultNamedRoutineForTest extends RoutineBase {}
    expect(RoutineRegistry.get('DefaultNamedRoutineForTest')).toBe(DefaultNamedRoutineForTest);
    expect(RoutineRegistry.nameOf(DefaultNamedRoutineForTest)).toBe('DefaultNamedRoutineForTest');
    expect(scanRoutineClass(DefaultNamedRoutineForTest).routine).toEqual({ name: 'DefaultNamedRoutineForTest' });
    expect(RoutineRegistry.get('test.decorated.upper')).toBe(DecoratedUpper);
  });

  it('should use the registered type name as the default routine id', () => {
    const flow = new Flow();
    expect(flow.addRoutine(new DecoratedUpper())).toBe('test.decorated.upper');
    expect(flow.addRoutine(new DecoratedUpper())).toBe('test.decorated.upper_2');
    expect(flow.addRoutine(new Sink())).toBe('Sink');
  });

  it('should inherit decorated slots and events from a base class', () => {
    class Base extends RoutineBase {
      @Event() readonly out = event();
      @Slot() trigger() {
        this.out.emit({ from: 'base' });
      }
    }
    class Child extends Base {
      @Slot() extra() {}
    }
    const c = new Child();
    expect([...c.slots.keys()].sort()).toEqual(['extra', 'trigger']);
    expect([...c.events.keys()]).toEqual(['out']);
  });

  it('should mix decorated and programmatic members on one routine', () => {
    class Mixed extends RoutineBase {
      @Event() readonly a = event();
      constructor() {
        super();
        this.defineEvent('b');
        this.defineSlot('s2', () => undefined);
      }
      @Slot() s1() {}
    }
    const m = new Mixed();
    expect([...m.slots.keys()].sort()).toEqual(['s1', 's2']);
    expect([...m.events.keys()].sort()).toEqual(['a', 'b']);
  });
});

describe('duplicate definitions', () => {
  it('should reject two @Slot with one name (DUPLICATE_SLOT)', () => {
    expect(
      codeOf(() => {
        class Dup extends RoutineBase {
          @Slot('x') a() {}
          @Slot('x') b() {}
        }
        return Dup;
      }),
    ).toBe('DUPLICATE_SLOT');
  });

  it('should reject two @Event with one name (DUPLICATE_EVENT)', () => {
    expect(
      codeOf(() => {
        class Dup extends RoutineBase {
          @Event('x') readonly a = event();
          @Event('x') readonly b = event();
        }
        return Dup;
      }),
    ).toBe('DUPLICATE_EVENT');
  });

  it('should reject programmatic duplicates', () => {
    class P extends RoutineBase {}
    const p = new P();
    p.defineSlot('s');
    p.defineEvent('e');
    expect(codeOf(() => p.defineSlot('s'))).toBe('DUPLICATE_SLOT');
    expect(codeOf(() => p.defineEvent('e'))).toBe('DUPLICATE_EVENT');
  });

  it('should reject a programmatic duplicate of a decorated member (mixed)', () => {
    class M extends RoutineBase {
      @Slot('s') handler() {}
      @Event('e') readonly e = event();
    }
    const m = new M();
    expect(codeOf(() => m.defineSlot('s'))).toBe('DUPLICATE_SLOT');
    expect(codeOf(() => m.defineEvent('e'))).toBe('DUPLICATE_EVENT');
  });

  it('should reject a subclass member that claims an inherited name with another member', () => {
    class Base extends RoutineBase {
      @Slot('s') one() {}
      @Event('e') readonly e1 = event();
    }
    class ChildSlot extends Base {
      @Slot('s') two() {}
    }
    class ChildEvent extends Base {
      @Event('e') readonly e2 = event();
    }
    expect(codeOf(() => new ChildSlot().slots)).toBe('DUPLICATE_SLOT');
    expect(codeOf(() => new ChildEvent().events)).toBe('DUPLICATE_EVENT');
    // @Routine scans eagerly: the error shows at class definition
    expect(
      codeOf(() => {
        @Routine({ name: 'test.dup.child' })
        class Eager extends Base {
          @Slot('s') three() {}
        }
        return Eager;
      }),
    ).toBe('DUPLICATE_SLOT');
    expect(RoutineRegistry.has('test.dup.child')).toBe(false);
  });

  it('should allow a subclass to re-decorate the same method under the same name', () => {
    class Base extends RoutineBase {
      @Slot('s') handle() {}
    }
    class Child extends Base {
      @Slot('s') override handle() {}
    }
    expect([...new Child().slots.keys()]).toEqual(['s']);
  });
});

describe('decorator misuse', () => {
  it('@Slot on a property → INVALID_DEFINITION', () => {
    const asProperty = Slot('x') as unknown as PropertyDecorator;
    expect(
      codeOf(() => {
        class Bad extends RoutineBase {
          @asProperty readonly notAMethod: number = 1;
        }
        return Bad;
      }),
    ).toBe('INVALID_DEFINITION');
  });

  it('@Event on a method → INVALID_DEFINITION', () => {
    const onMethod = Event('x') as unknown as MethodDecorator;
    expect(
      codeOf(() => {
        class Bad extends RoutineBase {
          @onMethod handler() {}
        }
        return Bad;
      }),
    ).toBe('INVALID_DEFINITION');
  });

  it('@Routine on a class that does not extend RoutineBase → INVALID_DEFINITION', () => {
    expect(
      codeOf(() => {
        @Routine({ name: 'test.not.a.routine' })
        class NotARoutine {}
        return NotARoutine;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(RoutineRegistry.has('test.not.a.routine')).toBe(false);
  });

  it('@Slot / @Event on a class that does not extend RoutineBase → INVALID_DEFINITION', () => {
    expect(
      codeOf(() => {
        class Plain {
          @Slot() s() {}
        }
        return Plain;
      }),
    ).toBe('INVALID_DEFINITION');
    expect(
      codeOf(() => {
        class Plain {
          @Event() readonly e = event();
        }
        return Plain;
      }),
    ).toBe('INVALID_DEFINITION');
  });

  it('should reject bad decorator arguments eagerly', () => {
    expect(codeOf(() => Routine(null as never))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => Routine({ config: 42 as never }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => Slot('s', { merge: 'nope' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => Slot('s', { maxQueueLength: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => Event('e', { params: 'text' as never }))).toBe('INVALID_DEFINITION');
    expect(
      codeOf(() => {
        class BadName extends RoutineBase {
          @Slot('has space') s() {}
        }
        return BadName;
      }),
    ).toBe('INVALID_ARGUMENT');
  });

  it('should reject reserved names for slots, events and routine types (FORBIDDEN_KEY)', () => {
    class R extends RoutineBase {}
    expect(codeOf(() => new R().defineSlot('__proto__'))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => new R().defineEvent('constructor'))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => RoutineRegistry.register('prototype', R))).toBe('FORBIDDEN_KEY');
  });
});
