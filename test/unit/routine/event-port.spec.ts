import { describe, expect, it } from 'vitest';
import { Event, EventPort, Flow, RoutineBase, Slot, event } from '../../../src/index.js';

describe('EventPort', () => {
  it('should emit through the routine: one delivery per connected slot', async () => {
    const got: unknown[] = [];
    class Src extends RoutineBase {
      @Event() readonly out = event<{ n: number }>();
      @Slot() trigger() {
        this.out.emit({ n: 1 });
        this.out.emit({ n: 2 });
      }
    }
    class Dst extends RoutineBase {
      @Slot() in(data: { n: number }) {
        got.push(data);
      }
    }
    const src = new Src();
    const flow = new Flow();
    flow.addRoutine(src, 'src');
    flow.addRoutine(new Dst(), 'dst');
    flow.connect('src', 'out', 'dst', 'in');
    expect(src.out).toBeInstanceOf(EventPort);
    expect(src.out.name).toBe('out');
    const job = await flow.execute('src');
    expect(job.status).toBe('completed');
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('should create and bind a port for a declared-only @Event property', () => {
    class Declared extends RoutineBase {
      @Event('done') declare readonly done: EventPort;
    }
    const r = new Declared();
    expect(r.events.has('done')).toBe(true);
    expect(r.done).toBeInstanceOf(EventPort);
    expect(r.done.name).toBe('done');
  });

  it('should refuse to emit through an unbound port (INVALID_DEFINITION)', () => {
    const port = event();
    expect(port.name).toBeUndefined();
    expect(() => port.emit({})).toThrow(expect.objectContaining({ code: 'INVALID_DEFINITION' }));
  });

  it('should throw NO_EXECUTION_CONTEXT when emitting a bound port outside a job', () => {
    class Src extends RoutineBase {
      @Event() readonly out = event();
    }
    const s = new Src();
    void s.events;
    expect(() => s.out.emit({})).toThrow(expect.objectContaining({ code: 'NO_EXECUTION_CONTEXT' }));
  });

  it('should refuse to share one port between two events (INVALID_DEFINITION)', () => {
    const shared = event();
    class Two extends RoutineBase {
      @Event('a') readonly a = shared;
      @Event('b') readonly b = shared;
    }
    expect(() => new Two().events).toThrow(expect.objectContaining({ code: 'INVALID_DEFINITION' }));
  });

  it('should reject an @Event property holding something else (INVALID_DEFINITION)', () => {
    class Wrong extends RoutineBase {
      @Event('a') readonly a = 42 as unknown as EventPort;
    }
    expect(() => new Wrong().events).toThrow(expect.objectContaining({ code: 'INVALID_DEFINITION' }));
  });
});
