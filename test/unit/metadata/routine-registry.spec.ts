import { describe, expect, it } from 'vitest';
import { Routine, RoutineBase, RoutineRegistry, scanRoutineClass, Slot, Event, event } from '../../../src/index.js';
import { codeOf } from '../../helpers/errors.js';

class A extends RoutineBase {}
class B extends RoutineBase {}

describe('RoutineRegistry', () => {
  it('should register, look up, list and unregister a class by name', () => {
    RoutineRegistry.register('test.reg.a', A);
    expect(RoutineRegistry.get('test.reg.a')).toBe(A);
    expect(RoutineRegistry.has('test.reg.a')).toBe(true);
    expect(RoutineRegistry.nameOf(A)).toBe('test.reg.a');
    expect(RoutineRegistry.list()).toContain('test.reg.a');
    expect(RoutineRegistry.unregister('test.reg.a')).toBe(true);
    expect(RoutineRegistry.unregister('test.reg.a')).toBe(false);
    expect(RoutineRegistry.get('test.reg.a')).toBeUndefined();
    expect(RoutineRegistry.nameOf(A)).toBeUndefined();
  });

  it('should accept re-registering the same class under its name', () => {
    RoutineRegistry.register('test.reg.same', A);
    expect(() => RoutineRegistry.register('test.reg.same', A)).not.toThrow();
    RoutineRegistry.unregister('test.reg.same');
  });

  it('should reject another class under a taken name (DUPLICATE_ROUTINE_TYPE) unless override', () => {
    RoutineRegistry.register('test.reg.taken', A);
    expect(codeOf(() => RoutineRegistry.register('test.reg.taken', B))).toBe('DUPLICATE_ROUTINE_TYPE');
    expect(RoutineRegistry.get('test.reg.taken')).toBe(A);
    RoutineRegistry.register('test.reg.taken', B, { override: true });
    expect(RoutineRegistry.get('test.reg.taken')).toBe(B);
    expect(RoutineRegistry.nameOf(A)).toBeUndefined();
    RoutineRegistry.unregister('test.reg.taken');
  });

  it('should reject a second @Routine class with a taken name', () => {
    @Routine({ name: 'test.reg.decorated' })
    class First extends RoutineBase {}
    expect(
      codeOf(() => {
        @Routine({ name: 'test.reg.decorated' })
        class Second extends RoutineBase {}
        return Second;
      }),
    ).toBe('DUPLICATE_ROUTINE_TYPE');
    expect(RoutineRegistry.get('test.reg.decorated')).toBe(First);
  });

  it('should reject bad names and non-classes', () => {
    expect(codeOf(() => RoutineRegistry.register('', A))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => RoutineRegistry.register('../x', A))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => RoutineRegistry.register('__proto__', A))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => RoutineRegistry.register('ok.name', {} as never))).toBe('INVALID_ARGUMENT');
    expect(RoutineRegistry.get('toString')).toBeUndefined();
    expect(RoutineRegistry.get('constructor')).toBeUndefined();
    expect(RoutineRegistry.get(42 as never)).toBeUndefined();
  });
});

describe('scanRoutineClass', () => {
  it('should return a cached, frozen definition with the class chain merged', () => {
    @Routine({ name: 'test.scan.x' })
    class X extends RoutineBase {
      @Event('done', { params: ['n'] }) readonly done = event();
      @Slot('go') go() {}
    }
    const def = scanRoutineClass(X);
    expect(scanRoutineClass(X)).toBe(def);
    expect(Object.isFrozen(def)).toBe(true);
    expect(def.ctor).toBe(X);
    expect(def.routine).toEqual({ name: 'test.scan.x' });
    expect([...def.slots.values()]).toEqual([{ name: 'go', methodKey: 'go', merge: undefined, maxQueueLength: undefined }]);
    expect([...def.events.values()]).toEqual([{ name: 'done', propertyKey: 'done', params: ['n'] }]);
  });

  it('should give an undecorated class empty maps', () => {
    class Plain extends RoutineBase {}
    const def = scanRoutineClass(Plain);
    expect(def.routine).toBeUndefined();
    expect(def.slots.size).toBe(0);
    expect(def.events.size).toBe(0);
  });
});
