import { describe, expect, it } from 'vitest';
import { Flow, FlowRegistry } from '../../src/index.js';
import { expectCode } from './support.js';

describe('FlowRegistry', () => {
  it('registers, finds and removes flows by name', () => {
    const registry = new FlowRegistry();
    const flow = new Flow({ flowId: 'f-1' });
    registry.registerByName('pipeline', flow);
    expect(registry.getByName('pipeline')).toBe(flow);
    expect(registry.getByName('other')).toBeUndefined();
    expect(registry.resolve('pipeline')).toBe(flow);
    expect(registry.unregisterByName('pipeline')).toBe(true);
    expect(registry.unregisterByName('pipeline')).toBe(false);
    expect(registry.getByName('pipeline')).toBeUndefined();
  });

  it('a name taken by another flow is DUPLICATE_FLOW_NAME; the same flow again is a no-op', () => {
    const registry = new FlowRegistry();
    const flow = new Flow();
    registry.registerByName('p', flow);
    expectCode(() => registry.registerByName('p', new Flow()), 'DUPLICATE_FLOW_NAME');
    registry.registerByName('p', flow);
    expect(registry.getByName('p')).toBe(flow);
    registry.registerByName('q', flow); // one flow may have several names
    expect(registry.list()).toEqual([{ flowId: flow.flowId, names: ['p', 'q'], flow }]);
  });

  it('registers by flow id; the same flow twice is a no-op, another flow with that id is an error', () => {
    const registry = new FlowRegistry();
    const flow = new Flow({ flowId: 'orders' });
    registry.register(flow);
    registry.register(flow);
    expect(registry.get('orders')).toBe(flow);
    expect(registry.resolve('orders')).toBe(flow);
    expectCode(() => registry.register(new Flow({ flowId: 'orders' })), 'DUPLICATE_FLOW_NAME');
    expect(registry.list()).toEqual([{ flowId: 'orders', names: [], flow }]);
    expect(registry.unregister('orders')).toBe(true);
    expect(registry.get('orders')).toBeUndefined();
  });

  it('resolves names before flow ids, and unknown ones are UNKNOWN_FLOW', () => {
    const registry = new FlowRegistry();
    const byId = new Flow({ flowId: 'x' });
    const byName = new Flow({ flowId: 'y' });
    registry.register(byId);
    registry.registerByName('x', byName);
    expect(registry.resolve('x')).toBe(byName);
    expectCode(() => registry.resolve('nope'), 'UNKNOWN_FLOW');
    expectCode(() => registry.resolve(42 as never), 'UNKNOWN_FLOW');
  });

  it('rejects bad input with INVALID_ARGUMENT', () => {
    const registry = new FlowRegistry();
    expectCode(() => registry.registerByName('', new Flow()), 'INVALID_ARGUMENT');
    expectCode(() => registry.registerByName('has space', new Flow()), 'INVALID_ARGUMENT');
    expectCode(() => registry.registerByName('ok', {} as never), 'INVALID_ARGUMENT');
    expectCode(() => registry.register(null as never), 'INVALID_ARGUMENT');
    expectCode(() => registry.registerByName('__proto__', new Flow()), 'FORBIDDEN_KEY');
  });

  it('clear() forgets everything; getInstance() is one shared registry', () => {
    const registry = new FlowRegistry();
    registry.registerByName('a', new Flow());
    registry.register(new Flow());
    registry.clear();
    expect(registry.list()).toEqual([]);
    expect(FlowRegistry.getInstance()).toBe(FlowRegistry.getInstance());
    expect(FlowRegistry.getInstance()).not.toBe(registry);
  });
});
