import { describe, expect, it } from 'vitest';
import { Flow, FunctionRegistry, RoutineBase, RoutineRegistry, flowToD2, flowToMermaid, type MergeFunction } from '../../src/index.js';
import { createFlagshipFlow } from '../../examples/00-flagship/flow.js';
import { codeOf } from '../helpers/errors.js';
import { compileD2 } from './d2-compiler.js';
import { parseFlowchart } from './mermaid-parser.js';

class Source extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', () => undefined);
    this.defineEvent('out', ['text']);
  }
}
const pick = FunctionRegistry.register('test.diagram.pick', ((b, i) => ({ ...b, ...i })) as MergeFunction);
class Sink extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in', () => undefined, { merge: 'append' });
    this.defineSlot('other', () => undefined, { merge: pick });
    this.defineEvent('done');
  }
}
RoutineRegistry.register('test.diagram.Source', Source);
RoutineRegistry.register('test.diagram.Sink', Sink);

/** `end`, `a.b` and `x:y` are fine routine ids; as diagram ids they would clash with syntax. */
function sample(): Flow {
  const flow = new Flow({ flowId: 'diagram-sample' });
  flow.addRoutine(new Source(), 'end');
  flow.addRoutine(new Source(), 'a.b');
  flow.addRoutine(new Sink(), 'x:y');
  flow.connect('end', 'out', 'x:y', 'in', { text: 'body', id: 'key' });
  flow.connect('a.b', 'out', 'x:y', 'in');
  flow.connect('a.b', 'out', 'x:y', 'other');
  return flow;
}

const MERMAID = `flowchart LR
  n0(["a.b<br/>test.diagram.Source"]):::entry
  n1(["end<br/>test.diagram.Source"]):::entry
  n2["x:y<br/>test.diagram.Sink<br/>fan-in in: merge append"]
  n0 -->|"out → in"| n2
  n0 -->|"out → other"| n2
  n1 -->|"out → in (text→body, id→key)"| n2
  classDef entry stroke-width:3px
`;

const D2_TEXT = `direction: right
n0: "a.b\\ntest.diagram.Source" {
  shape: oval
}
n1: "end\\ntest.diagram.Source" {
  shape: oval
}
n2: "x:y\\ntest.diagram.Sink\\nfan-in in: merge append"
n0 -> n2: "out → in"
n0 -> n2: "out → other"
n1 -> n2: "out → in (text→body, id→key)"
`;

describe('flowToMermaid / flowToD2', () => {
  it('draws generated ids, entry routines, labelled edges with their mapping and fan-in merges', () => {
    expect(flowToMermaid(sample())).toBe(MERMAID);
    expect(flowToD2(sample())).toBe(D2_TEXT);
  });

  it('gives the same text for a flow, its document, a JSON copy, a deserialized copy and the shorthand form', () => {
    const flow = sample();
    const doc = flow.serialize();
    const copy = Flow.deserialize(JSON.parse(JSON.stringify(doc)));
    const shorthand = {
      version: 1,
      routines: doc.routines,
      connections: doc.connections.map((c) => ({ from: `${c.sourceRoutineId}.${c.sourceEvent}`, to: `${c.targetRoutineId}.${c.targetSlot}`, ...(c.paramMapping ? { paramMapping: c.paramMapping } : {}) })),
    };
    for (const source of [doc, JSON.parse(JSON.stringify(doc)) as object, copy, shorthand]) {
      expect(flowToMermaid(source as Flow)).toBe(MERMAID);
      expect(flowToD2(source as Flow)).toBe(D2_TEXT);
    }
    // order of routines and connections in the document does not matter
    const reversed = { ...doc, routines: Object.fromEntries(Object.entries(doc.routines).reverse()), connections: [...doc.connections].reverse() };
    expect(flowToMermaid(reversed)).toBe(MERMAID);
  });

  it('Mermaid 11 parses the output and reads back every label as written', async () => {
    const parsed = await parseFlowchart(flowToMermaid(sample()));
    expect(parsed.vertices).toEqual([
      { id: 'n0', text: 'a.b<br>test.diagram.Source', type: 'stadium', classes: ['entry'] },
      { id: 'n1', text: 'end<br>test.diagram.Source', type: 'stadium', classes: ['entry'] },
      { id: 'n2', text: 'x:y<br>test.diagram.Sink<br>fan-in in: merge append', type: 'square', classes: [] },
    ]);
    expect(parsed.edges.map((e) => `${e.start}>${e.end} ${e.text}`)).toEqual(['n0>n2 out → in', 'n0>n2 out → other', 'n1>n2 out → in (text→body, id→key)']);
  });

  it('the Mermaid parser used here rejects broken text (so a pass means something)', async () => {
    await expect(parseFlowchart('flowchart LR\n  n0["unterminated]\n')).rejects.toThrow();
  });

  it('D2 (its WASM compiler) compiles the output: shapes, ovals for entries, one connection per edge', async () => {
    const compiled = await compileD2(flowToD2(sample()));
    expect(compiled.shapes).toEqual([
      { id: 'n0', label: 'a.b\ntest.diagram.Source', type: 'oval' },
      { id: 'n1', label: 'end\ntest.diagram.Source', type: 'oval' },
      { id: 'n2', label: 'x:y\ntest.diagram.Sink\nfan-in in: merge append', type: 'rectangle' },
    ]);
    expect(compiled.connections.map((c) => `${c.src}>${c.dst} ${c.label}`)).toEqual(['n0>n2 out → in', 'n0>n2 out → other', 'n1>n2 out → in (text→body, id→key)']);
    await expect(compileD2('n0: "unterminated\n')).rejects.toBeDefined();
  });

  it('escapes labels: quotes, #, <, >, &, |, backticks, $ and backslashes survive both parsers as written', async () => {
    const nasty = 'q"#35;<b>&|`${x}\\';
    const doc = {
      version: 1,
      routines: { [nasty]: { type: 'test.diagram.Source', config: {} }, end: { type: 'test.diagram.Sink', config: {} } },
      connections: [{ sourceRoutineId: nasty, sourceEvent: 'out', targetRoutineId: 'end', targetSlot: 'in', paramMapping: { [nasty]: 'k' } }],
    };
    const parsed = await parseFlowchart(flowToMermaid(doc));
    expect(parsed.vertices.map((v) => v.text)).toEqual(['end<br>test.diagram.Sink', `${nasty}<br>test.diagram.Source`]);
    expect(parsed.edges.map((e) => e.text)).toEqual([`out → in (${nasty}→k)`]);
    const compiled = await compileD2(flowToD2(doc));
    expect(compiled.shapes.map((s) => s.label)).toEqual(['end\ntest.diagram.Sink', `${nasty}\ntest.diagram.Source`]);
    expect(compiled.connections.map((c) => c.label)).toEqual([`out → in (${nasty}→k)`]);
  });

  it('draws a document with an unregistered type as a plain node whose fan-in merge is unknown', () => {
    const doc = {
      version: 1,
      routines: { s: { type: 'test.diagram.Source' }, t: { type: 'not.registered' } },
      connections: [
        { from: 's.out', to: 't.trigger' },
        { from: 's.out', to: 't.trigger', paramMapping: { a: 'b' } },
      ],
    };
    expect(flowToMermaid(doc)).toContain('  n1["t<br/>not.registered<br/>fan-in trigger: merge unknown"]\n');
    expect(flowToD2(doc)).toContain('n1: "t\\nnot.registered\\nfan-in trigger: merge unknown"\n');
  });

  it('names a registered custom merge function, else "custom"', () => {
    const flow = new Flow();
    flow.addRoutine(new Source(), 's');
    flow.addRoutine(new Source(), 's2');
    flow.addRoutine(new Sink(), 't');
    flow.connect('s', 'out', 't', 'other');
    flow.connect('s2', 'out', 't', 'other', { text: 'x' });
    expect(flowToMermaid(flow)).toContain('fan-in other: merge custom test.diagram.pick');
    expect(flowToMermaid(createFlagshipFlow())).toContain('fan-in parts: merge custom');
  });

  it('rejects what is not a flow document with INVALID_FORMAT listing every issue, and a dangling connection with UNKNOWN_ROUTINE', () => {
    expect(codeOf(() => flowToMermaid(42 as never))).toBe('INVALID_FORMAT');
    try {
      flowToD2({ routines: { a: {} }, connections: [{ from: 'nodot', to: 'b.in' }, { sourceRoutineId: 'a' }] });
      expect.unreachable();
    } catch (e) {
      expect((e as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toEqual([
        '/routines/a/type',
        '/connections/0/from',
        '/connections/1/sourceEvent',
        '/connections/1/targetRoutineId',
        '/connections/1/targetSlot',
      ]);
    }
    expect(codeOf(() => flowToMermaid({ routines: { a: { type: 'test.diagram.Source' } }, connections: [{ from: 'a.out', to: 'b.in' }] }))).toBe('UNKNOWN_ROUTINE');
  });

  it('draws the flagship flow; Mermaid and D2 both read it', async () => {
    const flow = createFlagshipFlow();
    const parsed = await parseFlowchart(flowToMermaid(flow));
    expect(parsed.vertices.map((v) => v.type)).toEqual(['stadium', 'square', 'square', 'square']);
    expect(parsed.edges).toHaveLength(4);
    expect((await compileD2(flowToD2(flow))).connections).toHaveLength(4);
    expect(flowToMermaid(flow.serialize())).toBe(flowToMermaid(flow));
  });
});
