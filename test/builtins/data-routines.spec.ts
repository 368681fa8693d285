import { IsEmail, IsInt, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { FunctionRegistry, RoutineRegistry, type RoutineBase } from '../../src/index.js';
import { DataFlattener, DataTransformer, DataValidator, Filter, Mapper, SchemaValidator } from '../../src/builtins/index.js';
import { received, run } from './helpers.js';
import { codeOf } from '../helpers/errors.js';

describe('DataTransformer', () => {
  it('should chain named transformations and report failures without throwing', async () => {
    const job = await run(new DataTransformer({ transformations: ['trim', 'to_int', 'to_string'] }), [{ data: ' 42 ' }, { data: ' x ' }], ['output']);
    const [ok, bad] = received(job, 'output');
    expect(ok).toEqual({ data: '42', applied: ['trim', 'to_int', 'to_string'], errors: [] });
    expect(bad).toMatchObject({ data: 'x', applied: ['trim', 'to_string'], errors: [{ transformation: 'to_int' }] });
  });

  it('should apply registered custom transformations and stop unregistered functions at config time', async () => {
    const double = (v: unknown): unknown => Number(v) * 2;
    expect(codeOf(() => new DataTransformer({ transformations: [double] }))).toBe('UNSERIALIZABLE_FUNCTION');
    FunctionRegistry.register('test.double', double, { override: true });
    const routine = new DataTransformer({ transformations: [double, 'to_string'] });
    expect(routine.config['transformations']).toEqual(['test.double', 'to_string']);
    const job = await run(routine, [{ data: 4 }], ['output']);
    expect(received(job, 'output')[0]).toMatchObject({ data: '8' });
    expect(codeOf(() => new DataTransformer({ transformations: ['nope'] }))).toBe('INVALID_CONFIG');
  });

  it('should give each transformation the original value when not chaining', async () => {
    const job = await run(new DataTransformer({ transformations: ['uppercase', 'lowercase'], chain: false }), [{ data: 'MiXeD' }], ['output']);
    expect(received(job, 'output')[0]).toMatchObject({ data: 'mixed', applied: ['uppercase', 'lowercase'] });
  });
});

describe('DataValidator', () => {
  const rules = { id: 'is_int', email: ['not_empty', 'is_email'] };

  it('should emit valid or invalid with every problem', async () => {
    const job = await run(new DataValidator({ rules, requiredFields: ['id'], allowExtraFields: false }), [
      { data: { id: 1, email: 'a@b.io' } },
      { data: { email: '', extra: true } },
    ], ['valid', 'invalid']);
    expect(received(job, 'valid')).toEqual([{ data: { id: 1, email: 'a@b.io' } }]);
    const errors = received(job, 'invalid')[0]!['errors'] as { rule: string; field: string }[];
    expect(errors.map((e) => `${e.field}:${e.rule}`)).toEqual(['id:required', 'email:not_empty', 'email:is_email', 'extra:extra']);
  });

  it('should stop at the first error in strict mode and validate lists and custom validators', async () => {
    FunctionRegistry.register('test.even', ((v: unknown) => [Number(v) % 2 === 0, `${String(v)} is odd`]) as (...a: never[]) => unknown, { override: true });
    const job = await run(new DataValidator({ rules: { items: ['is_number', 'test.even'] }, strictMode: true }), [{ data: [2, 3, 5] }], ['valid', 'invalid']);
    expect(received(job, 'invalid')[0]!['errors']).toEqual([{ field: 'items', rule: 'test.even', message: '3 is odd' }]);
  });
});

describe('DataFlattener', () => {
  it('should flatten with dotted keys and list indexes, honour depth and cycles', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['me'] = cyclic;
    const job = await run(new DataFlattener(), () => [{ data: { a: { b: 1 }, items: [1, { c: 2 }] } }, { data: cyclic }, { data: 5 }], ['output']);
    const [nested, cyc, scalar] = received(job, 'output');
    expect(nested).toEqual({ data: { 'a.b': 1, 'items.0': 1, 'items.1.c': 2 }, originalType: 'object', depth: 3 });
    expect(cyc!['data']).toEqual({ a: 1, me: '[Circular Reference]' });
    expect(scalar!['data']).toEqual({ value: 5 });
    const limited = await run(new DataFlattener({ maxDepth: 1, separator: '/' }), [{ data: { a: { b: { c: 1 } } } }], ['output']);
    expect(received(limited, 'output')[0]!['data']).toEqual({ a: { b: { c: 1 } } });
  });
});

describe('Mapper', () => {
  it('should map dot paths, wildcard paths, defaults and transforms', async () => {
    const mapper = new Mapper({
      mappings: { customer: 'order.customer.name', 'ids': '$.order.items[*].id', first: 'order.items[0].sku', qty: { path: 'order.qty', default: 1 }, 'meta.total': { path: 'order.total', transform: 'to_float' } },
    });
    const job = await run(mapper, [{ data: { order: { customer: { name: 'Ada' }, items: [{ id: 1, sku: 'A' }, { id: 2 }], total: '9.5' } } }], ['output']);
    expect(received(job, 'output')[0]).toEqual({ data: { customer: 'Ada', ids: [1, 2], first: 'A', qty: 1, meta: { total: 9.5 } }, fieldsMapped: 5, errors: [] });
  });

  it('should keep unmapped fields, write defaultValue for missing ones and map arrays element-wise', async () => {
    const job = await run(new Mapper({ mappings: { n: 'name', x: 'missing' }, dropMissing: false, defaultValue: 'n/a', keepUnmapped: true }), [{ data: [{ name: 'a', k: 1 }, 'raw'] }], ['output']);
    expect(received(job, 'output')[0]!['data']).toEqual([{ name: 'a', k: 1, n: 'a', x: 'n/a' }, { value: 'raw', n: 'n/a', x: 'n/a' }]);
    expect(codeOf(() => new Mapper({ mappings: { a: 'constructor.prototype' } }))).toBe('INVALID_CONFIG');
  });
});

describe('Filter', () => {
  it('should pass and reject with reasons, including payloads the condition cannot evaluate', async () => {
    const job = await run(new Filter({ condition: 'data.score >= 0.8' }), [{ score: 0.9 }, { score: 0.1 }, { other: 1 }], ['passed', 'rejected']);
    expect(received(job, 'passed')).toEqual([{ data: { score: 0.9 } }]);
    const rejected = received(job, 'rejected');
    expect(rejected.map((r) => r['data'])).toEqual([{ score: 0.1 }, { other: 1 }]);
    expect(rejected[0]!['reason']).toContain('is false');
    expect(rejected[1]!['reason']).toContain('has(data.field)');
  });

  it('should invert and accept equality conditions', async () => {
    const job = await run(new Filter({ condition: { equals: { kind: 'spam' } }, invert: true }), [{ kind: 'spam' }, { kind: 'ham' }], ['passed', 'rejected']);
    expect(received(job, 'passed')).toEqual([{ data: { kind: 'ham' } }]);
    expect(received(job, 'rejected')).toEqual([{ data: { kind: 'spam' }, reason: 'inverted: the condition matched' }]);
  });
});

class Person {
  @IsInt() @Min(0) age!: number;
  @IsEmail() email!: string;
}

describe('SchemaValidator', () => {
  const schema = { type: 'object', required: ['id', 'tags'], additionalProperties: false, properties: { id: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { enum: ['a', 'b'] } }, note: { anyOf: [{ type: 'string' }, { type: 'null' }] } } };

  it('should validate against a JSON Schema', async () => {
    const job = await run(new SchemaValidator({ schema }), [{ data: { id: 3, tags: ['a'], note: null } }, { data: { id: 0, tags: ['c'], x: 1 } }], ['valid', 'invalid']);
    expect(received(job, 'valid')).toEqual([{ data: { id: 3, tags: ['a'], note: null }, schemaType: 'json-schema' }]);
    expect(received(job, 'invalid')[0]!['errors']).toEqual(['/id: must be >= 1', '/tags/0: must be one of ["a","b"]', "/: must not have additional property 'x'"]);
  });

  it('should validate against a registered class-validator class', async () => {
    expect(codeOf(() => new SchemaValidator({ schemaClass: Person }))).toBe('UNSERIALIZABLE_FUNCTION');
    FunctionRegistry.register('test.Person', Person as unknown as (...a: never[]) => unknown, { override: true });
    const job = await run(new SchemaValidator({ schemaClass: Person }), [{ data: { age: 3, email: 'a@b.io' } }, { data: { age: -1, email: 'x' } }], ['valid', 'invalid']);
    expect(received(job, 'valid')).toHaveLength(1);
    expect((received(job, 'invalid')[0]!['errors'] as string[]).map((e) => e.split(':')[0])).toEqual(['/age', '/email']);
  });

  it('should require a schema and refuse unsafe patterns at configuration time', () => {
    expect(codeOf(() => new SchemaValidator({}))).toBe('INVALID_CONFIG');
    expect(codeOf(() => new SchemaValidator({ schema: { type: 'string', pattern: '(a+)+$' } }))).toBe('INVALID_CONFIG');
    const Registered = RoutineRegistry.get('routilux.SchemaValidator') as unknown as new () => RoutineBase;
    const restored = new Registered();
    restored.setConfig({ schema });
    expect(restored.config['schema']).toEqual(schema);
  });
});
