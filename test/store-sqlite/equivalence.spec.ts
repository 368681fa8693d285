import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type ActivationCommit, type JobStore, MemoryJobStore } from '../../src/index.js';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { at, jobDoc, task } from '../../src/testing/store-conformance/fixtures.js';

// The SQLite store applies a commit row by row; the memory store applies it to the whole
// document. Random commit sequences must leave both with the same document and answers.

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-equivalence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const key = fc.constantFrom('a', 'b', 'c', '1', '2');
const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('x', 'y', null), fc.record({ v: fc.integer({ min: 0, max: 3 }) }));
const mapField = fc.constantFrom('sharedData', 'routineStates', 'slotQueues', 'lastActivationAt', 'tracker', 'nextTaskSeq');
const listField = fc.constantFrom('executionHistory', 'sharedLog', 'outputLog', 'deferredEvents', 'elapsedMs');
const taskId = fc.constantFrom('t1', 't2', 't3', 't4', 't5');

const commit: fc.Arbitrary<ActivationCommit> = fc.record({
  taskId: fc.option(taskId, { nil: null }),
  attempt: fc.integer({ min: 1, max: 2 }),
  set: fc.dictionary(fc.constantFrom('status', 'updatedAt', 'currentRoutineId', 'sharedData', 'executionHistory', 'historyLimit', 'custom'), fc.constant(0)),
  entries: fc.array(fc.tuple(mapField, fc.dictionary(key, value, { maxKeys: 3 })), { maxLength: 2 }),
  slotBuffers: fc.dictionary(fc.constantFrom('agg\u0000in', 'agg\u0000side'), fc.option(fc.record({ xs: fc.array(fc.nat(3), { maxLength: 2 }) }), { nil: null }), { maxKeys: 2 }),
  append: fc.array(fc.tuple(listField, fc.array(value, { maxLength: 3 })), { maxLength: 2 }),
  produced: fc.uniqueArray(taskId, { maxLength: 2 }),
  consumed: fc.uniqueArray(taskId, { maxLength: 2 }),
  i: fc.nat(1000),
}).map((r) => {
  const setValues: Record<string, unknown> = {
    status: ['running', 'paused', 'running'][r.i % 3],
    updatedAt: at(r.i),
    currentRoutineId: r.i % 2 === 0 ? null : 'worker',
    sharedData: { reset: r.i },
    executionHistory: [{ i: r.i }],
    historyLimit: r.i % 4,
    custom: r.i % 2 === 0 ? { nested: r.i } : null,
  };
  return {
    jobId: 'j',
    taskId: r.taskId,
    attempt: r.taskId === null ? 0 : r.attempt,
    changes: {
      set: Object.fromEntries(Object.keys(r.set).map((k) => [k, setValues[k]])),
      entries: { ...Object.fromEntries(r.entries), ...(Object.keys(r.slotBuffers).length > 0 ? { slotBuffers: r.slotBuffers } : {}) },
      append: Object.fromEntries(r.append),
    },
    produced: r.produced.map((id) => task(id, { attempt: r.attempt })),
    consumed: r.consumed,
  } as ActivationCommit;
});

async function outcome(store: JobStore, c: ActivationCommit): Promise<string> {
  try {
    return String(await store.commit(c));
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('SqliteJobStore and MemoryJobStore apply commits alike', () => {
  it('gives the same answers and documents for random commit sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commit, { minLength: 1, maxLength: 12 }), async (commits) => {
        const memory = new MemoryJobStore();
        const sqlite = new SqliteJobStore({ path: join(dir, `e${++n}.db`) });
        try {
          const start = jobDoc('j', { pendingTasks: [task('t1'), task('t2')], slotBuffers: [{ routineId: 'agg', slotName: 'in', data: { xs: [0] } }] });
          await memory.create(start);
          await sqlite.create(start);
          for (const c of commits) {
            expect(await outcome(sqlite, c)).toBe(await outcome(memory, c));
            expect(await sqlite.load('j')).toEqual(await memory.load('j'));
          }
        } finally {
          await sqlite.close();
        }
      }),
      { numRuns: 40, seed: 20261202 },
    );
  });
});
