import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, Routine, RoutineBase, batchSizePolicy, isRoutiluxError, type RoutiluxError } from '../../src/index.js';
import { buildLedgerFlow } from '../serialization/fixtures/ledger-flow.js';
import { builtinFlow, schemaValidator } from './support.js';

@Routine({ name: 'yaml.Step' })
class Step extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out', ['v']);
    this.defineEvent('side.effect', ['v']);
    this.defineSlot('trigger', (d: { v: number }) => this.emit('out', { v: d.v }));
    this.defineSlot('in');
  }
}

function error(fn: () => unknown): RoutiluxError {
  try {
    fn();
  } catch (e) {
    if (isRoutiluxError(e)) return e;
    throw e;
  }
  throw new Error('nothing was thrown');
}
type Issue = { path: string; message: string; line?: number; column?: number };
const issues = (e: RoutiluxError): Issue[] => e.details['issues'] as Issue[];

function sampleFlows(): Flow[] {
  const rich = new Flow({ flowId: 'rich', executionStrategy: 'concurrent', maxWorkers: 3, executionTimeout: Infinity });
  rich.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 5, retryBackoff: 1.5, isCritical: false }));
  rich.addRoutine(new Step(), 'a.b');
  const second = new Step();
  second.setActivationPolicy(batchSizePolicy(3));
  second.setErrorHandler(new ErrorHandler({ strategy: 'skip' }));
  rich.addRoutine(second, 'c');
  rich.connect('a.b', 'side.effect', 'c', 'in', { value: 'v' });
  rich.connect('a.b', 'out', 'c', 'in');
  return [new Flow({ flowId: 'empty' }), rich, buildLedgerFlow(), builtinFlow()];
}

describe('Flow.fromYAML / toYAML', () => {
  it('round-trips every sample flow: fromYAML(toYAML()).serialize() deep-equals serialize()', () => {
    for (const flow of sampleFlows()) {
      const yaml = flow.toYAML();
      expect(yaml).not.toContain('*'); // no aliases in what the library writes
      expect(Flow.fromYAML(yaml).serialize()).toEqual(flow.serialize());
      expect(Flow.fromYAML(JSON.stringify(flow.serialize(), null, 2)).serialize()).toEqual(flow.serialize()); // JSON is YAML too
    }
  });

  it('the shipped schema validates every document the library writes', () => {
    const validate = schemaValidator();
    for (const flow of sampleFlows()) {
      const doc = flow.serialize();
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(validate(JSON.parse(JSON.stringify(doc))), flow.flowId).toBe(true);
    }
  });

  it('reads the shorthand and writes the long form', () => {
    const flow = Flow.fromYAML(`
# yaml-language-server: $schema=../node_modules/routilux/schema/flow.schema.json
$schema: ../node_modules/routilux/flow.schema.json
version: 1
routines:
  a.b: { type: yaml.Step }
  c: { type: yaml.Step }
connections:
  - { from: a.b.out, to: c.in, paramMapping: { value: v } }
  - sourceRoutineId: a.b
    sourceEvent: side.effect
    targetRoutineId: c
    targetSlot: in
`);
    expect(flow.serialize().connections).toEqual([
      { sourceRoutineId: 'a.b', sourceEvent: 'out', targetRoutineId: 'c', targetSlot: 'in', paramMapping: { value: 'v' } },
      { sourceRoutineId: 'a.b', sourceEvent: 'side.effect', targetRoutineId: 'c', targetSlot: 'in' },
    ]);
    expect(flow.toYAML()).not.toContain('from:');
    // a dotted event name cannot be written in the shorthand: it splits at the last '.'
    const e = error(() => Flow.fromYAML('version: 1\nroutines: { a.b: { type: yaml.Step }, c: { type: yaml.Step } }\nconnections:\n  - { from: a.b.side.effect, to: c.in }\n'));
    expect(e.code).toBe('UNKNOWN_ROUTINE');
    expect(issues(e)).toEqual([expect.objectContaining({ path: '/connections/0/from', line: 4, column: 7 })]);
  });
});
