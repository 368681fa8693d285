import { describe, expect, it } from 'vitest';
import { FunctionRegistry, isRoutiluxError } from '../../src/index.js';
import { ConditionalRouter, EXPRESSION_LIMITS, Filter, compileCondition, compileExpression } from '../../src/builtins/index.js';

function failure(fn: () => unknown): { code: string; reason: unknown } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(isRoutiluxError(e)).toBe(true);
    return isRoutiluxError(e) ? { code: e.code, reason: e.details['reason'] } : undefined;
  }
}

const protoKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();

describe('condition sandbox (CEL)', () => {
  it('should evaluate conditions over plain payload data', () => {
    const c = compileExpression('data.score > 0.5 && "urgent" in data.tags && data.count + 1 == 3 && data.name.startsWith("A")');
    expect(c.test({ score: 0.7, tags: ['urgent'], count: 2, name: 'Ann' })).toBe(true);
    expect(c.test({ score: 0.2, tags: ['urgent'], count: 2, name: 'Ann' })).toBe(false);
    expect(compileExpression('data.items.exists(i, i.price > 100)').test({ items: [{ price: 5 }, { price: 150 }] })).toBe(true);
    expect(compileExpression('has(data.user.email)').test({ user: {} })).toBe(false);
  });

  const compileTimeCorpus: [string, string][] = [
    ['data.constructor.constructor("return process")', 'forbidden'],
    ['data.constructor.constructor("return process")()', 'syntax'],
    ['data.__proto__', 'forbidden'],
    ['data["__proto__"]', 'forbidden'],
    ['data.prototype', 'forbidden'],
    ['this', 'type'],
    ['process.exit(1)', 'forbidden'],
    ['process', 'type'],
    ['globalThis', 'type'],
    ['require("fs")', 'forbidden'],
    ['import("fs")', 'syntax'],
    ['eval("1")', 'forbidden'],
    ['2 ** 1000000000', 'syntax'],
    ['"a".repeat(1000000000)', 'forbidden'],
    ['cel.bind(x, data.s + data.s, x + x)', 'forbidden'],
    ['b"abc".json()', 'forbidden'],
    ['"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".matches("(a+)+$")', 'unsafe_regex'],
    ['data.s.matches("(a|aa)*b")', 'unsafe_regex'],
    ['data.s.matches("(.*a){20}")', 'unsafe_regex'],
    ['data.s.matches("(\\\\w)\\\\1")', 'unsafe_regex'],
    ['data.s.matches(data.pattern)', 'unsafe_regex'],
    ['('.repeat(10_000) + '1' + ')'.repeat(10_000), 'too_long'],
    ['('.repeat(400) + 'true' + ')'.repeat(400), 'too_complex'],
    [`"${'a'.repeat(2000)}" == data.s`, 'too_long'],
    ['1' + ' + 1'.repeat(250), 'too_complex'],
    ['data.a.map(x, data.a.map(y, data.a.map(z, z))) == []', 'too_complex'],
    ['data.x + 1', 'not_boolean'],
    ['data.x ==', 'syntax'],
    ['', 'syntax'],
  ];

  it.each(compileTimeCorpus.map(([source, reason]) => ({ source, reason, label: source.length > 60 ? `${source.slice(0, 40)}… (${source.length} chars)` : source })))('should reject $label at compile time', ({ source, reason }) => {
    expect(failure(() => compileExpression(source))).toEqual({ code: 'INVALID_CONFIG', reason });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeysBefore);
  });

  it('should fail safely at evaluation time when only the payload reveals the problem', () => {
    const big = { list: Array.from({ length: 5000 }, (_, i) => i) };
    const quadratic = compileExpression('data.list.exists(x, data.list.exists(y, x + y == -1))');
    expect(failure(() => quadratic.test(big))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'budget' });
    expect(failure(() => compileExpression('data.s.matches("^a+$")').test({ s: 'a'.repeat(EXPRESSION_LIMITS.maxRegexInputLength + 1) }))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'data_too_large' });
    expect(failure(() => compileExpression('data.missing > 1').test({}))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'evaluation' });
    expect(failure(() => compileExpression('data.x').test({ x: 'not a bool' }))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'not_boolean' });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(failure(() => compileExpression('has(data.self)').test(cyclic))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'data_too_large' });
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < EXPRESSION_LIMITS.maxDataDepth + 5; i++) deep = { d: deep };
    expect(failure(() => compileExpression('has(data.d)').test(deep))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'data_too_large' });
  });

  it('should not expose prototypes of payload objects, even keys named like them', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "ok": true}') as Record<string, unknown>;
    expect(compileExpression('data.ok').test(payload)).toBe(true);
    expect(compileExpression('has(data.toString)').test({})).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeysBefore);
  });

  it('should reject bad conditions when a routine is configured, not when a job runs', () => {
    expect(failure(() => new ConditionalRouter({ routes: [{ name: 'x', when: 'data.constructor' }] }))?.code).toBe('INVALID_CONFIG');
    expect(failure(() => new Filter({ condition: 'data.a >' }))?.code).toBe('INVALID_CONFIG');
    expect(failure(() => new Filter().setConfig({ condition: { fn: 'never.registered.fn' } }))?.code).toBe('INVALID_CONFIG');
  });

  it('should accept registered functions and refuse unregistered ones', () => {
    const isBig = (d: Record<string, unknown>): boolean => Number(d['n']) > 10;
    expect(failure(() => new Filter({ condition: isBig }))?.code).toBe('UNSERIALIZABLE_FUNCTION');
    FunctionRegistry.register('test.conditions.isBig', isBig, { override: true });
    const filter = new Filter({ condition: isBig });
    expect(filter.config['condition']).toEqual({ fn: 'test.conditions.isBig' });
    expect(compileCondition({ fn: 'test.conditions.isBig' }).test({ n: 11 }).matched).toBe(true);
    expect(compileCondition({ equals: { 'a.b': 1 } }).test({ a: { b: 2 } })).toEqual({ matched: false, reason: 'field "a.b" is not 1' });
  });
});
