import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanSlot, type PlanNode, type PlanTarget } from '../../../src/runtime/flow-plan.js';
import type { JobRun } from '../../../src/runtime/job-run.js';
import { Lane } from '../../../src/runtime/lane.js';
import { FanOutRest, Task } from '../../../src/runtime/task.js';

// The lane is a chunked FIFO of 4-slot entries (see lane.ts). These tests drive it with random
// sequences of operations and compare it with a plain array of what should be queued.

const node = { id: 'n', logic: undefined } as unknown as PlanNode;
const slots = ['a', 'b', 'c', 'd'].map((name) => new PlanSlot(node, name, undefined, 'override', `n\u0000${name}`));
const run = {} as JobRun;

interface Expected {
  readonly slot: PlanSlot;
  readonly data: Record<string, unknown>;
  readonly seq: number;
  readonly attempt: number;
  readonly merged: boolean;
  readonly shared: boolean;
  /** For a fan-out target: the last one of its fan-out (it takes the payload when dispatched). */
  readonly lastOfFan: boolean;
}

type Op =
  | { readonly kind: 'push'; readonly slot: number; readonly attempt: number; readonly merged: boolean }
  | { readonly kind: 'fan'; readonly width: number }
  | { readonly kind: 'shift' }
  | { readonly kind: 'look' }
  | { readonly kind: 'takeAll' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), slot: fc.integer({ min: 0, max: 3 }), attempt: fc.integer({ min: 1, max: 4 }), merged: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fan' as const), width: fc.integer({ min: 2, max: 5 }) }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'shift' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'look' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'takeAll' as const }) },
);

function view(t: Task): Omit<Expected, 'lastOfFan'> {
  return { slot: t.slot, data: t.data, seq: t.seq, attempt: t.attempt, merged: t.merged, shared: t.shared };
}

function strip(e: Expected): Omit<Expected, 'lastOfFan'> {
  return { slot: e.slot, data: e.data, seq: e.seq, attempt: e.attempt, merged: e.merged, shared: e.shared };
}

describe('Lane', () => {
  it('behaves like a FIFO of activations under any sequence of pushes, fan-outs, shifts, snapshots and drains', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const lane = new Lane(run);
        const model: Expected[] = [];
        let seq = 1;
        for (const o of ops) {
          if (o.kind === 'push') {
            const data = { seq };
            lane.push(slots[o.slot]!, data, seq, Task.bitsOf(o.attempt, o.merged, false));
            model.push({ slot: slots[o.slot]!, data, seq, attempt: o.attempt, merged: o.merged, shared: false, lastOfFan: false });
            seq++;
          } else if (o.kind === 'fan') {
            const targets: PlanTarget[] = slots.slice(0, 4).concat(slots).slice(0, o.width).map((slot) => ({ slot, mapping: null }));
            const payload = { fan: seq };
            lane.pushFan(new FanOutRest(targets, payload, seq));
            targets.forEach((t, i) => model.push({ slot: t.slot, data: payload, seq: seq + i, attempt: 1, merged: false, shared: true, lastOfFan: i === targets.length - 1 }));
            seq += targets.length;
          } else if (o.kind === 'shift') {
            if (model.length === 0) continue;
            const want = model.shift()!;
            const got = lane.shift();
            // the last target of a fan-out owns the shared copy: it is handed over unshared
            expect(view(got)).toEqual({ ...strip(want), shared: want.shared && !want.lastOfFan });
            expect(got.data).toBe(want.data);
            expect(got.run).toBe(run);
          } else if (o.kind === 'look') {
            expect(lane.toTasks().map(view)).toEqual(model.map(strip));
          } else {
            expect(lane.takeAll().map(view)).toEqual(model.map(strip));
            model.length = 0;
          }
          expect(lane.size).toBe(model.length);
        }
        expect(lane.toTasks().map(view)).toEqual(model.map(strip));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps reusing its first chunk when the queue keeps running dry, and grows for a long queue', () => {
    const lane = new Lane(run);
    for (let round = 0; round < 1000; round++) {
      lane.push(slots[0]!, { round }, round, Task.bitsOf(1, false, false));
      expect(lane.shift().seq).toBe(round);
    }
    expect(lane.size).toBe(0);
    for (let i = 0; i < 5000; i++) lane.push(slots[i % 4]!, { i }, i, Task.bitsOf(1, false, false));
    expect(lane.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(lane.shift().seq).toBe(i);
    expect(lane.size).toBe(0);
    expect(lane.toTasks()).toEqual([]);
  });
});
