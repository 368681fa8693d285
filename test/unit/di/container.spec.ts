import { container, inject, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { Event, Flow, Routine, RoutineBase, Slot, event } from '../../../src/index.js';

@injectable()
class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

const PREFIX = Symbol('prefix');

@Routine({ name: 'test.di.greeting' })
class Greeting extends RoutineBase {
  @Event() readonly out = event<{ text: string }>();
  constructor(
    readonly greeter: Greeter,
    @inject(PREFIX) readonly prefix: string,
  ) {
    super();
  }
  @Slot() trigger(data: { name: string }) {
    this.out.emit({ text: `${this.prefix}${this.greeter.greet(data.name)}` });
  }
}

class Collect extends RoutineBase {
  readonly got: unknown[] = [];
  constructor() {
    super();
    this.defineSlot('in', (d) => void this.got.push(d));
  }
}

describe('dependency injection (tsyringe)', () => {
  it('should emit design:paramtypes for decorated routine constructors', () => {
    const types = Reflect.getMetadata('design:paramtypes', Greeting) as unknown[];
    // tsyringe folds @inject tokens into the same array; the class-typed parameter stays a type
    expect(types).toHaveLength(2);
    expect(types[0]).toBe(Greeter);
  });

  it('should construct a routine class through the flow container with its services injected', async () => {
    const child = container.createChildContainer();
    const greeter = new Greeter();
    child.registerInstance(Greeter, greeter);
    child.register(PREFIX, { useValue: '>> ' });
    const flow = new Flow({ container: child });
    expect(flow.container).toBe(child);
    const id = flow.addRoutine(Greeting);
    expect(id).toBe('test.di.greeting');
    const routine = flow.routines.get(id) as Greeting;
    expect(routine).toBeInstanceOf(Greeting);
    expect(routine.greeter).toBe(greeter);
    expect(routine.prefix).toBe('>> ');
    const sink = new Collect();
    flow.addRoutine(sink, 'sink');
    flow.connect(id, 'out', 'sink', 'in');
    const job = await flow.execute(id, { name: 'ada' });
    expect(job.status).toBe('completed');
    expect(sink.got).toEqual([{ text: '>> hello ada' }]);
  });

  it('should keep registrations of one flow container out of another (child containers)', () => {
    const c1 = container.createChildContainer();
    const c2 = container.createChildContainer();
    c1.register(PREFIX, { useValue: 'one:' });
    c2.register(PREFIX, { useValue: 'two:' });
    const f1 = new Flow({ container: c1 });
    const f2 = new Flow({ container: c2 });
    const r1 = f1.routines.get(f1.addRoutine(Greeting)) as Greeting;
    const r2 = f2.routines.get(f2.addRoutine(Greeting)) as Greeting;
    expect(r1.prefix).toBe('one:');
    expect(r2.prefix).toBe('two:');
    expect(container.isRegistered(PREFIX)).toBe(false);
  });

  it('should add a parameterless routine class without any registration', () => {
    @Routine({ name: 'test.di.plain' })
    class Plain extends RoutineBase {
      @Slot() trigger() {}
    }
    const flow = new Flow();
    expect(flow.routines.get(flow.addRoutine(Plain, 'p'))).toBeInstanceOf(Plain);
  });

  it('should turn an unresolvable dependency into a typed error', () => {
    const flow = new Flow({ container: container.createChildContainer() });
    expect(() => flow.addRoutine(Greeting)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(flow.routines.size).toBe(0);
  });

  it('should reject a container that is not a tsyringe container', () => {
    expect(() => new Flow({ container: {} as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
