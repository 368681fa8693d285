import { describe, expect, it } from 'vitest';
import { Flow, RoutineRegistry, isRoutiluxError, type RoutineBase } from '../../src/index.js';
import { TextClipper } from '../../src/builtins/index.js';
import { Sink, Source, received, run } from './helpers.js';

const tenLines = Array.from({ length: 10 }, (_, i) => `line ${String(i).padStart(2, '0')} abcdefghijkl`).join('\n');

describe('TextClipper', () => {
  it('should clip by whole lines and report the number of dropped lines', async () => {
    const job = await run(new TextClipper({ maxLength: 50 }), [{ text: tenLines }], ['output']);
    const [out] = received(job, 'output');
    expect(out).toEqual({ data: 'line 00 abcdefghijkl\nline 01 abcdefghijkl\n...(8 more lines)', wasClipped: true, originalLength: tenLines.length, droppedLines: 8 });
  });

  it('should pass short text unchanged and honour a per-payload maxLength', async () => {
    const job = await run(new TextClipper({ maxLength: 1000, truncationMessage: '[{remaining} cut]' }), [{ content: 'short' }, { text: tenLines, maxLength: 30 }], ['output']);
    const [a, b] = received(job, 'output');
    expect(a).toMatchObject({ data: 'short', wasClipped: false, droppedLines: 0 });
    expect(b).toMatchObject({ data: 'line 00 abcdefghijkl\n[9 cut]', wasClipped: true, droppedLines: 9 });
  });

  it('should never clip a traceback when preserveTracebacks is on, and clip it when off', async () => {
    const tb = `Traceback (most recent call last):\n${tenLines}`;
    const kept = await run(new TextClipper({ maxLength: 40 }), [{ text: tb }], ['output']);
    expect(received(kept, 'output')[0]).toMatchObject({ data: tb, wasClipped: false });
    const cut = await run(new TextClipper({ maxLength: 40, preserveTracebacks: false }), [{ text: tb }], ['output']);
    expect(received(cut, 'output')[0]).toMatchObject({ wasClipped: true, droppedLines: 10 });
  });

  it('should read the text from inputKey', async () => {
    const job = await run(new TextClipper({ maxLength: 5, inputKey: 'body.log' }), [{ text: 'ignored', body: { log: 'a\nbbbbbbbb' } }], ['output']);
    expect(received(job, 'output')[0]).toMatchObject({ data: 'a\n...(1 more lines)', droppedLines: 1 });
  });

  it('should reject a bad configuration at construction and at setConfig', () => {
    const codes: string[] = [];
    for (const make of [() => new TextClipper({ maxLength: 0 }), () => new TextClipper().setConfig({ maxLength: 'x' }), () => new TextClipper().setConfig({ bogus: 1 })]) {
      try {
        make();
      } catch (e) {
        if (isRoutiluxError(e)) codes.push(e.code);
      }
    }
    expect(codes).toEqual(['INVALID_CONFIG', 'INVALID_CONFIG', 'INVALID_CONFIG']);
  });

  it('should be creatable through the DI container with its defaults', async () => {
    const flow = new Flow();
    flow.addRoutine(new Source(), 'source');
    const id = flow.addRoutine(TextClipper);
    flow.addRoutine(new Sink(['output']), 'sink');
    flow.connect('source', 'out', id, 'input');
    flow.connect(id, 'output', 'sink', 'output');
    expect(id).toBe('routilux.TextClipper');
    expect(flow.routines.get(id)!.config).toMatchObject({ maxLength: 1000, preserveTracebacks: true });
    const job = await flow.execute('source', { payloads: [{ text: 'x' }] });
    expect(received(job, 'output')).toHaveLength(1);
  });
});

describe('built-in registration', () => {
  const names = ['TextClipper', 'TextRenderer', 'ResultExtractor', 'DataTransformer', 'DataValidator', 'DataFlattener', 'Mapper', 'Filter', 'SchemaValidator', 'ConditionalRouter', 'Aggregator', 'Splitter', 'Batcher', 'Debouncer', 'RetryHandler', 'TimeProvider'];

  it.each(names)('should register %s as routilux.<Name> and create it through DI with JSON config', (name) => {
    const cls = RoutineRegistry.get(`routilux.${name}`);
    expect(cls?.name).toBe(name);
    const flow = new Flow();
    const id = flow.addRoutine(cls as unknown as new () => RoutineBase);
    const routine = flow.routines.get(id)!;
    expect(JSON.parse(JSON.stringify(routine.config))).toEqual(routine.config);
  });
});
