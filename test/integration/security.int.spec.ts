import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Flow, JobState, RoutineRegistry, RoutineBase } from '../../src/index.js';
import { FnRoutine, collector } from '../fixtures/routines.js';
import { codeOf } from '../helpers/errors.js';

const RESERVED = ['__proto__', 'constructor', 'prototype'];
let protoNames: string[] = [];

beforeEach(() => {
  protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
});

afterEach(() => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
});

describe('reserved keys are typed errors, never prototype pollution', () => {
  it('routine ids', () => {
    const flow = new Flow();
    for (const id of RESERVED) expect(codeOf(() => flow.addRoutine(new FnRoutine(), id))).toBe('FORBIDDEN_KEY');
    expect(flow.routines.size).toBe(0);
  });

  it('slot, event and routine type names', () => {
    for (const name of RESERVED) {
      expect(codeOf(() => new FnRoutine().defineSlot(name))).toBe('FORBIDDEN_KEY');
      expect(codeOf(() => new FnRoutine().defineEvent(name))).toBe('FORBIDDEN_KEY');
      expect(codeOf(() => RoutineRegistry.register(name, class extends RoutineBase {}))).toBe('FORBIDDEN_KEY');
    }
  });

  it('payload mappings, both sides', () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() {} }, ['out']), 'a');
    flow.addRoutine(new FnRoutine({ in() {} }), 'b');
    for (const k of RESERVED) {
      expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', JSON.parse(`{"${k}":"x"}`) as Record<string, string>))).toBe('FORBIDDEN_KEY');
      expect(codeOf(() => flow.connect('a', 'out', 'b', 'in', { x: k }))).toBe('FORBIDDEN_KEY');
    }
    expect(flow.connections).toEqual([]);
  });

  it('shared data keys, log entries and routine-state patches (also from inside a job)', async () => {
    const codes: (string | undefined)[] = [];
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine({
        trigger(_d, ctx) {
          for (const k of RESERVED) {
            codes.push(codeOf(() => ctx.jobState.updateSharedData(k, { polluted: true })));
            codes.push(codeOf(() => ctx.jobState.appendToSharedLog(JSON.parse(`{"${k}":{"polluted":true}}`) as Record<string, unknown>)));
            codes.push(codeOf(() => ctx.jobState.updateRoutineState(k, {})));
          }
        },
      }),
      'r',
    );
    const job = await flow.execute('r');
    expect(job.status).toBe('completed');
    expect(codes).toEqual(Array<string>(9).fill('FORBIDDEN_KEY'));
    expect(job.sharedData).toEqual({});
    expect(job.sharedLog).toEqual([]);
  });

  it('config keys', () => {
    for (const k of RESERVED) expect(codeOf(() => new FnRoutine().setConfig(JSON.parse(`{"${k}":{"polluted":true}}`) as Record<string, unknown>))).toBe('FORBIDDEN_KEY');
  });

  it('hostile payloads flow through emit, mapping and merges as plain data', async () => {
    const got: Record<string, unknown>[] = [];
    const appended: Record<string, unknown>[] = [];
    const flow = new Flow();
    // Entry params are checked deeply (FORBIDDEN_KEY), so the hostile keys come from a handler's emit.
    const hostile = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"payload":1}') as Record<string, unknown>;
    flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', hostile); this.emit('out', hostile); } }, ['out']), 'src');
    flow.addRoutine(collector(got), 'plain');
    flow.addRoutine(new FnRoutine({ in: { handler: (d) => void appended.push(d), options: { merge: 'append' } } }), 'app');
    flow.connect('src', 'out', 'plain', 'in', { payload: 'copy' });
    flow.connect('src', 'out', 'app', 'in');
    expect(codeOf(() => flow.start('src', hostile))).toBe('FORBIDDEN_KEY');
    const job = await flow.execute('src', {});
    expect(job.status).toBe('completed');
    expect(got).toHaveLength(2);
    expect(got[0]!['copy']).toBe(1);
    expect(appended).toHaveLength(2);
    expect(Object.getPrototypeOf(got[0]!)).toBe(Object.prototype);
    await JobState.waitForCompletion(flow, job);
  });
});
