import { describe, expect, it } from 'vitest';
import { container, injectable } from 'tsyringe';
import { ErrorHandler, Flow, FunctionRegistry, Routine, RoutineBase, RoutineRegistry, Slot, Event, event, type ExecutionContext } from '../../src/index.js';
import { codeOf } from '../helpers/errors.js';

@injectable()
class Prefixer {
  prefix(s: string): string {
    return `>${s}`;
  }
}

@Routine({ name: 'ser.Source' })
class Source extends RoutineBase {
  @Event('out') readonly out = event<{ v: number }>();
  @Slot('trigger')
  onTrigger(data: { n: number }): void {
    for (let i = 0; i < data.n; i++) this.out.emit({ v: i });
  }
}

@Routine({ name: 'ser.Collector' })
class Collector extends RoutineBase {
  constructor(private readonly p: Prefixer) {
    super();
    this.defineSlot('in', (data: { value: number }, ctx: ExecutionContext) => {
      const prev = ctx.jobState.getSharedData<string[]>('seen') ?? [];
      ctx.jobState.updateSharedData('seen', [...prev, this.p.prefix(`${String(this.getConfig('tag', ''))}${data.value}`)]);
    });
  }
}

class Unregistered extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => undefined);
  }
}

function buildFlow(): Flow {
  const flow = new Flow({ flowId: 'ser-flow', executionStrategy: 'concurrent', maxWorkers: 3, executionTimeout: 12_345 });
  flow.addRoutine(Source, 'src');
  const c = flow.addRoutine(Collector, 'col');
  (flow.routines.get(c) as Collector).setConfig({ tag: 't' });
  (flow.routines.get(c) as Collector).setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 5, retryBackoff: 3, isCritical: false }));
  flow.setErrorHandler(new ErrorHandler({ strategy: 'continue' }));
  flow.connect('src', 'out', 'col', 'in', { v: 'value' });
  return flow;
}

describe('Flow serialization', () => {
  it('serializes to the documented JSON shape', () => {
    const data = buildFlow().serialize();
    expect(data).toEqual({
      version: 1,
      flowId: 'ser-flow',
      executionStrategy: 'concurrent',
      maxWorkers: 3,
      executionTimeout: 12_345,
      errorHandler: { strategy: 'continue', maxRetries: 3, retryDelay: 1000, retryBackoff: 2, isCritical: true },
      routines: {
        src: { type: 'ser.Source', config: {} },
        col: { type: 'ser.Collector', config: { tag: 't' }, errorHandler: { strategy: 'retry', maxRetries: 2, retryDelay: 5, retryBackoff: 3, isCritical: false } },
      },
      connections: [{ sourceRoutineId: 'src', sourceEvent: 'out', targetRoutineId: 'col', targetSlot: 'in', paramMapping: { v: 'value' } }],
    });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('round-trips through JSON and runs the same, resolving classes through the given container', async () => {
    const original = buildFlow();
    const copy = Flow.deserialize(JSON.parse(JSON.stringify(original.serialize())), { container: container.createChildContainer() });
    expect(copy.serialize()).toEqual(original.serialize());
    const a = await original.execute('src', { n: 3 });
    const b = await copy.execute('src', { n: 3 });
    expect(b.status).toBe('completed');
    expect(b.getSharedData('seen')).toEqual(a.getSharedData('seen'));
    expect([...(b.getSharedData<string[]>('seen') ?? [])].sort()).toEqual(['>t0', '>t1', '>t2']);
  });

  it('keeps an infinite timeout as null and restores it', () => {
    const flow = new Flow({ flowId: 'inf', executionTimeout: Infinity });
    expect(flow.serialize().executionTimeout).toBeNull();
    expect(Flow.deserialize(flow.serialize()).executionTimeout).toBe(Infinity);
  });

  it('serializes a registered retryable predicate by name and refuses an unregistered one', () => {
    const isTransient = FunctionRegistry.register('ser.isTransient', (e: Error) => e.message.includes('transient'), { override: true });
    const flow = new Flow({ flowId: 'pred' });
    flow.setErrorHandler(new ErrorHandler({ strategy: 'retry', retryable: isTransient }));
    expect(flow.serialize().errorHandler?.retryable).toBe('ser.isTransient');
    expect(Flow.deserialize(flow.serialize()).getErrorHandler()?.retryable).toBe(isTransient);
    flow.setErrorHandler(new ErrorHandler({ strategy: 'retry', retryable: () => true }));
    expect(codeOf(() => flow.serialize())).toBe('UNSERIALIZABLE_FUNCTION');
  });

  it('refuses to serialize a routine whose class is not registered', () => {
    const flow = new Flow();
    flow.addRoutine(new Unregistered(), 'u');
    expect(codeOf(() => flow.serialize())).toBe('UNKNOWN_ROUTINE_TYPE');
  });

  describe('bad input is a typed error, never a half-built flow', () => {
    const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(buildFlow().serialize())) as Record<string, unknown>;

    it.each(['NoSuch', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'Object', 'Function', 'fs', '../x'])('unknown routine type %s → UNKNOWN_ROUTINE_TYPE or FORBIDDEN_KEY', (type) => {
      const doc = good();
      (doc['routines'] as Record<string, { type: string }>)['src']!.type = type;
      const before = Object.getOwnPropertyNames(Object.prototype).sort();
      const code = codeOf(() => Flow.deserialize(doc));
      expect(['UNKNOWN_ROUTINE_TYPE', 'INVALID_ARGUMENT']).toContain(code);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
      expect(RoutineRegistry.get(type)).toBeUndefined();
    });

    it('future and missing versions', () => {
      const doc = good();
      doc['version'] = 2;
      expect(codeOf(() => Flow.deserialize(doc))).toBe('UNSUPPORTED_VERSION');
      delete doc['version'];
      expect(codeOf(() => Flow.deserialize(doc))).toBe('INVALID_FORMAT');
    });

    it('prototype-pollution keys anywhere in the document', () => {
      for (const text of [
        '{"__proto__":{"polluted":1},"version":1}',
        JSON.stringify({ ...good(), routines: JSON.parse('{"src":{"type":"ser.Source","config":{"__proto__":{"polluted":1}}}}') }),
        JSON.stringify({ ...good(), connections: [{ sourceRoutineId: 'src', sourceEvent: 'out', targetRoutineId: 'col', targetSlot: 'in', paramMapping: JSON.parse('{"constructor":"x"}') }] }),
        '{"version":1,"routines":{"prototype":{"type":"ser.Source","config":{}}}}',
        '{"version":1,"nested":{"deep":{"\\u005f_proto__":{"polluted":1}}}}',
      ]) {
        expect(codeOf(() => Flow.deserialize(JSON.parse(text)))).toBe('FORBIDDEN_KEY');
      }
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('dangling connections name the missing endpoint', () => {
      const setConn = (c: Record<string, string>): Record<string, unknown> => ({ ...good(), connections: [c] });
      const base = { sourceRoutineId: 'src', sourceEvent: 'out', targetRoutineId: 'col', targetSlot: 'in' };
      expect(codeOf(() => Flow.deserialize(setConn({ ...base, targetRoutineId: 'ghost' })))).toBe('UNKNOWN_ROUTINE');
      expect(codeOf(() => Flow.deserialize(setConn({ ...base, sourceEvent: 'nope' })))).toBe('UNKNOWN_EVENT');
      expect(codeOf(() => Flow.deserialize(setConn({ ...base, targetSlot: 'nope' })))).toBe('UNKNOWN_SLOT');
    });

    it('malformed shapes, wrong types and unknown keys → INVALID_FORMAT', () => {
      for (const doc of [
        null,
        [],
        'flow',
        { ...good(), maxWorkers: 0 },
        { ...good(), maxWorkers: '3' },
        { ...good(), executionStrategy: 'parallel' },
        { ...good(), routines: [] as unknown[] },
        { ...good(), connections: {} },
        { ...good(), extra: true },
        { ...good(), routines: { src: { type: 'ser.Source', config: 'none' } } },
        { ...good(), routines: { src: { type: 'ser.Source', config: {}, surprise: 1 } } },
        { ...good(), errorHandler: { strategy: 'explode', maxRetries: 1, retryDelay: 1, retryBackoff: 1, isCritical: true } },
      ]) {
        expect(codeOf(() => Flow.deserialize(doc))).toBe('INVALID_FORMAT');
      }
    });

    it('a config the routine rejects stops the load (stage 5: INVALID_FORMAT, listed under the routine config)', () => {
      const doc = good();
      (doc['routines'] as Record<string, { config: unknown }>)['col']!.config = { tag: { deep: [1, { x: () => 1 }] } } as unknown;
      expect(codeOf(() => Flow.deserialize(doc))).toBe('INVALID_FORMAT');
    });
  });
});
