import fc from 'fast-check';
import type { ActivationCommit, JobStore } from '../../src/index.js';
import { at, task } from '../../src/testing/store-conformance/fixtures.js';

// Random activation commits for job 'j' (the store-equivalence tests): sets, entries (also
// on scalar fields and slot buffers), appends (also to scalar fields), produced and consumed
// tasks, job-level and repeated { taskId, attempt } commits.

/** Random commits of job 'j'; `extra` adds kinds of values for map entries and list items (doubles, odd strings, …). */
export function commitArbitrary(extra: fc.Arbitrary<unknown>[] = []): fc.Arbitrary<ActivationCommit> {
  const key = fc.constantFrom('a', 'b', 'c', '1', '2');
  const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('x', 'y', null), fc.record({ v: fc.integer({ min: 0, max: 3 }) }), ...extra);
  const mapField = fc.constantFrom('sharedData', 'routineStates', 'slotQueues', 'lastActivationAt', 'tracker', 'nextTaskSeq');
  const listField = fc.constantFrom('executionHistory', 'sharedLog', 'outputLog', 'deferredEvents', 'elapsedMs');
  const taskId = fc.constantFrom('t1', 't2', 't3', 't4', 't5');

  return fc.record({
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
}

/** A commit's answer: `true`, `false` or the error code. */
export async function outcome(store: JobStore, c: ActivationCommit): Promise<string> {
  try {
    return String(await store.commit(c));
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
