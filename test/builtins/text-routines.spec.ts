import { describe, expect, it } from 'vitest';
import { FunctionRegistry, isRoutiluxError } from '../../src/index.js';
import { ResultExtractor, TextRenderer, type ExtractionHit } from '../../src/builtins/index.js';
import { received, run } from './helpers.js';

describe('TextRenderer', () => {
  it('should render nested objects and arrays as indented XML-like tags', async () => {
    const job = await run(new TextRenderer(), [{ data: { name: 'test', items: [1, 2] } }], ['output']);
    expect(received(job, 'output')[0]).toEqual({ data: '<name>test</name>\n<items>\n  <item_0>1</item_0>\n  <item_1>2</item_1>\n</items>', originalType: 'object' });
  });

  it('should render Markdown with type hints and survive cycles', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const job = await run(new TextRenderer({ format: 'markdown', includeTypeHints: true }), () => [{ data: { name: 'x', tags: ['a'] } }, { data: cyclic }], ['output']);
    const [md, cyc] = received(job, 'output');
    expect(md!['data']).toBe('**name**: x (string)\n**tags**: (array)\n  - a (string)');
    expect(cyc!['data']).toBe('**a**: 1 (number)\n**self**: [Circular Reference] (object)');
  });
});

describe('ResultExtractor', () => {
  const llm = 'Here you go:\n```json\n{"broken": \n```\nand the fixed one:\n```json\n{"answer": 42, "tags": ["a"]}\n```\nDone.';

  it('should take the last valid fenced JSON block with its confidence and path', async () => {
    const job = await run(new ResultExtractor(), [{ text: llm }], ['output']);
    expect(received(job, 'output')[0]).toMatchObject({
      data: { answer: 42, tags: ['a'] }, format: 'json', method: 'json_code_block', confidence: 0.9,
      extractionPath: ['interpreter_output', 'json_code_block'], errors: [],
    });
  });

  it('should parse JSON strings, code blocks, interpreter output and structured input', async () => {
    const job = await run(new ResultExtractor(), [
      { text: '  {"ok": true}  ' },
      { text: 'run this:\n```python\nprint(1)\n```' },
      { output: [{ type: 'code', content: 'x=1' }, { type: 'output', content: 'hello' }, { type: 'output', content: 'world' }] },
      { data: { already: 'structured' } },
    ], ['output']);
    const [json, py, interp, obj] = received(job, 'output');
    expect(json).toMatchObject({ data: { ok: true }, method: 'json_string', confidence: 0.8 });
    expect(py).toMatchObject({ data: 'print(1)', format: 'python', method: 'python_code_block', confidence: 0.6 });
    expect(interp).toMatchObject({ data: 'hello\nworld', format: 'interpreter_output', confidence: 0.5 });
    expect(obj).toMatchObject({ data: { already: 'structured' }, method: 'direct', confidence: 0.7 });
  });

  it('should extract YAML when enabled and report every hit with strategy all', async () => {
    const text = '```yaml\nname: x\nn: 2\n```';
    const job = await run(new ResultExtractor({ strategy: 'all', extractors: ['yaml_code_block', 'code_block'] }), [{ text }], ['output']);
    const out = received(job, 'output')[0]!;
    expect(out).toMatchObject({ data: { name: 'x', n: 2 }, format: 'yaml', confidence: 0.9 });
    expect((out['alternatives'] as unknown[]).length).toBe(2);
  });

  it('should run custom extractors in order, report their errors, and fall back to the original', async () => {
    FunctionRegistry.register('test.extract.answer', ((input: unknown): ExtractionHit | undefined => {
      const m = typeof input === 'string' ? /ANSWER: (\w+)/.exec(input) : null;
      return m ? { value: m[1], format: 'answer', method: 'answer_line' } : undefined;
    }) as (...a: never[]) => unknown, { override: true });
    FunctionRegistry.register('test.extract.throws', (() => { throw new Error('boom'); }) as (...a: never[]) => unknown, { override: true });
    const routine = new ResultExtractor({ extractors: ['test.extract.throws', 'test.extract.answer', 'json_string'] });
    const job = await run(routine, [{ text: 'ANSWER: yes' }, { text: 'nothing here' }], ['output']);
    const [hit, miss] = received(job, 'output');
    expect(hit).toMatchObject({ data: 'yes', format: 'answer', method: 'answer_line', extractionPath: ['test.extract.throws', 'test.extract.answer'], errors: [{ extractor: 'test.extract.throws', error: 'boom' }] });
    expect(miss).toMatchObject({ data: 'nothing here', format: 'string', confidence: 0, extractionPath: [] });
  });

  it('should emit failed when configured not to return the original, and reject unknown extractors', async () => {
    const job = await run(new ResultExtractor({ returnOriginalOnFailure: false, extractors: ['json_string'] }), [{ text: 'plain' }], ['output', 'failed']);
    expect(received(job, 'failed')[0]).toMatchObject({ data: 'plain', extractionPath: ['json_string'] });
    let code: string | undefined;
    try {
      new ResultExtractor({ extractors: ['no_such_extractor'] });
    } catch (e) {
      code = isRoutiluxError(e) ? e.code : undefined;
    }
    expect(code).toBe('INVALID_CONFIG');
  });
});
