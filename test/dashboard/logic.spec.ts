import { describe, expect, it } from 'vitest';
import type { Connection, RoutiluxEvent } from '../../dashboard/src/api/types.js';
import { applyEvent, emptyCounters } from '../../dashboard/src/lib/counters.js';
import { edgeLabel, graphOf } from '../../dashboard/src/lib/graph-model.js';
import { parseEntryParams } from '../../dashboard/src/lib/json-input.js';
import { applyTimelineEvent, timelineExtent } from '../../dashboard/src/lib/timeline.js';

const base = { jobId: 'j', flowId: 'f' };
const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const connections: Connection[] = [
  { sourceRoutineId: 'a', sourceEvent: 'out', targetRoutineId: 'b', targetSlot: 'in' },
  { sourceRoutineId: 'a', sourceEvent: 'out', targetRoutineId: 'c', targetSlot: 'in', paramMapping: { x: 'y', p: 'q' } },
];

describe('dashboard logic', () => {
  it('entry params: empty is {}, objects pass, everything else says what to fix', () => {
    expect(parseEntryParams('  ')).toEqual({ ok: true, value: {} });
    expect(parseEntryParams('{"docs": ["a"]}')).toEqual({ ok: true, value: { docs: ['a'] } });
    expect(parseEntryParams('[1]')).toMatchObject({ ok: false, message: expect.stringContaining('an array') });
    expect(parseEntryParams('{\n"a" 1}')).toMatchObject({ ok: false, message: expect.stringMatching(/^Not valid JSON at line 2, column 5/) });
    expect(parseEntryParams('{"a": 1,}')).toMatchObject({ ok: false, message: expect.stringMatching(/^Not valid JSON/) });
    expect(parseEntryParams('{"a": {"__proto__": {}}}')).toMatchObject({ ok: false, message: expect.stringContaining('/a/__proto__') });
  });

  it('counters: emits queue one per connection, starts run, finishes complete or fail, retries re-queue', () => {
    let t = emptyCounters(['a', 'b', 'c']);
    const events: RoutiluxEvent[] = [
      { ...base, at: at(0), type: 'activation.started', routineId: 'a', slot: 'trigger', taskId: 't0', attempt: 1 },
      { ...base, at: at(1), type: 'event.emitted', routineId: 'a', event: 'out', targets: 2 },
      { ...base, at: at(2), type: 'activation.finished', routineId: 'a', slot: 'trigger', taskId: 't0', attempt: 1, durationMs: 2, outcome: 'completed' },
      { ...base, at: at(3), type: 'activation.started', routineId: 'b', slot: 'in', taskId: 't1', attempt: 1 },
      { ...base, at: at(4), type: 'activation.finished', routineId: 'b', slot: 'in', taskId: 't1', attempt: 1, durationMs: 1, outcome: 'retrying' },
    ];
    for (const e of events) t = applyEvent(t, e, connections);
    expect(t).toEqual({
      a: { queued: 0, running: 0, completed: 1, failed: 0 },
      b: { queued: 1, running: 0, completed: 0, failed: 1 },
      c: { queued: 1, running: 0, completed: 0, failed: 0 },
    });
  });

  it('timeline: a bar per attempt from start to finish; a finish without a start still gets its bar', () => {
    let t = { bars: [], marks: [] } as Parameters<typeof applyTimelineEvent>[0];
    t = applyTimelineEvent(t, { ...base, at: at(10), type: 'activation.started', routineId: 'b', slot: 'in', taskId: 't1', attempt: 1 });
    t = applyTimelineEvent(t, { ...base, at: at(30), type: 'activation.finished', routineId: 'b', slot: 'in', taskId: 't1', attempt: 1, durationMs: 20, outcome: 'retrying', error: { code: 'X', message: 'boom' } });
    t = applyTimelineEvent(t, { ...base, at: at(50), type: 'activation.finished', routineId: 'c', slot: 'in', taskId: 't2', attempt: 2, durationMs: 5, outcome: 'failed' });
    expect(t.bars.map((b) => [b.routineId, b.attempt, b.end! - b.start, b.outcome, b.error])).toEqual([
      ['b', 1, 20, 'retrying', 'X: boom'],
      ['c', 2, 5, 'failed', undefined],
    ]);
    expect(timelineExtent(t, ['a', 'b'], 0)).toMatchObject({ lanes: ['a', 'b', 'c'], to: Date.parse(at(50)) });
  });

  it('graph: ports from the routine catalogue and from connections; edge labels like the diagrams', () => {
    expect(edgeLabel(connections[1]!)).toBe('out → in (x→y, p→q)');
    const { nodes, edges } = graphOf(
      { version: 1, flowId: 'f', routines: { a: { type: 'T' }, b: { type: 'U' }, c: { type: 'unknown' } }, connections },
      [
        { name: 'T', slots: [{ name: 'trigger', merge: 'override' }], events: [{ name: 'out', params: [] }], configKeys: [] },
        { name: 'U', slots: [{ name: 'in', merge: 'append' }, { name: 'side', merge: 'override' }], events: [], configKeys: [] },
      ],
    );
    expect(nodes.map((n) => [n.id, n.entry, n.slots.map((s) => `${s.name}:${s.merge ?? '?'}`), n.events])).toEqual([
      ['a', true, ['trigger:override'], ['out']],
      ['b', false, ['in:append', 'side:override'], []],
      ['c', false, ['in:?'], []],
    ]);
    expect(edges.map((e) => e.label)).toEqual(['out → in', 'out → in (x→y, p→q)']);
  });
});
