import type { Connection, RoutiluxEvent } from '../api/types.js';

/** Live per-routine counters of a flow (services.md §6). */
export interface RoutineCounters {
  queued: number;
  running: number;
  completed: number;
  failed: number;
}

export type CounterTable = Record<string, RoutineCounters>;

const zero = (): RoutineCounters => ({ queued: 0, running: 0, completed: 0, failed: 0 });

/** Counters at zero for every routine id. */
export function emptyCounters(routineIds: readonly string[]): CounterTable {
  return Object.fromEntries(routineIds.map((id) => [id, zero()]));
}

/**
 * Folds one event into the counters (a new table; the old one is left as is). An emit queues
 * one activation per connection of that event (the event's `targets`); a start moves one from
 * queued to running; a finish counts it as completed or failed (`retrying` counts a failed
 * attempt and queues the retry). Counts never go below zero, so counting may begin mid-job.
 */
export function applyEvent(table: CounterTable, e: RoutiluxEvent, connections: readonly Connection[]): CounterTable {
  const next: CounterTable = { ...table };
  const bump = (id: string, f: (c: RoutineCounters) => void): void => {
    const c = { ...(next[id] ?? zero()) };
    f(c);
    next[id] = c;
  };
  switch (e.type) {
    case 'event.emitted': {
      if (e.targets === 0) return table;
      for (const c of connections) if (c.sourceRoutineId === e.routineId && c.sourceEvent === e.event) bump(c.targetRoutineId, (x) => void x.queued++);
      return next;
    }
    case 'activation.started':
      bump(e.routineId, (x) => {
        x.queued = Math.max(0, x.queued - 1);
        x.running++;
      });
      return next;
    case 'activation.finished':
      bump(e.routineId, (x) => {
        x.running = Math.max(0, x.running - 1);
        if (e.outcome === 'failed') x.failed++;
        else if (e.outcome === 'retrying') {
          x.failed++;
          x.queued++;
        } else x.completed++;
      });
      return next;
    default:
      return table;
  }
}
