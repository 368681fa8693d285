import type { ActivationOutcome, HistoryRecord, RoutiluxEvent } from '../api/types.js';

/** One activation attempt on the timeline: a bar from start to end (end undefined while it runs). */
export interface TimelineBar {
  taskId: string;
  routineId: string;
  slot: string;
  attempt: number;
  start: number;
  end?: number;
  outcome?: ActivationOutcome;
  error?: string;
}

/** A history record without timing (the job ran before the page was open): a tick. */
export interface TimelineMark {
  routineId: string;
  at: number;
  label: string;
  failed: boolean;
}

export interface Timeline {
  bars: TimelineBar[];
  marks: TimelineMark[];
}

/** Folds one event into the timeline (a new object). */
export function applyTimelineEvent(t: Timeline, e: RoutiluxEvent): Timeline {
  if (e.type === 'activation.started') {
    return { ...t, bars: [...t.bars, { taskId: e.taskId, routineId: e.routineId, slot: e.slot, attempt: e.attempt, start: Date.parse(e.at) }] };
  }
  if (e.type === 'activation.finished') {
    const end = Date.parse(e.at);
    let found = false;
    const bars = t.bars.map((b) => {
      if (found || b.taskId !== e.taskId || b.attempt !== e.attempt || b.end !== undefined) return b;
      found = true;
      return { ...b, end, outcome: e.outcome, ...(e.error ? { error: `${e.error.code}: ${e.error.message}` } : {}) };
    });
    if (!found) bars.push({ taskId: e.taskId, routineId: e.routineId, slot: e.slot, attempt: e.attempt, start: end - e.durationMs, end, outcome: e.outcome, ...(e.error ? { error: `${e.error.code}: ${e.error.message}` } : {}) });
    return { ...t, bars };
  }
  return t;
}

/** Ticks from a job's execution history (what is known of activations that ran before the page subscribed). */
export function marksFromHistory(history: readonly HistoryRecord[]): TimelineMark[] {
  return history.map((h) => ({ routineId: h.routineId, at: Date.parse(h.timestamp), label: h.eventName, failed: h.eventName === 'error' }));
}

/** Lanes (routine ids, in the flow's order, then any others seen) and the time range covered. */
export function timelineExtent(t: Timeline, routineIds: readonly string[], now: number): { lanes: string[]; from: number; to: number } {
  const lanes = [...routineIds];
  for (const id of [...t.bars.map((b) => b.routineId), ...t.marks.map((m) => m.routineId)]) if (!lanes.includes(id)) lanes.push(id);
  const times = [...t.bars.flatMap((b) => [b.start, b.end ?? now]), ...t.marks.map((m) => m.at)];
  if (times.length === 0) return { lanes, from: now, to: now + 1 };
  const from = Math.min(...times);
  const to = Math.max(...times);
  return { lanes, from, to: to > from ? to : from + 1 };
}
