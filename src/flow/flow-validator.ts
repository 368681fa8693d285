import type { Connection, FlowIssue } from '../graph/connection.js';
import type { RoutineBase } from '../routine/routine-base.js';

/** @internal static checks of a flow's graph. */
export function validateFlow(routines: ReadonlyMap<string, RoutineBase>, connections: readonly Connection[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const incoming = new Set<string>();
  for (const c of connections) {
    const src = routines.get(c.sourceRoutineId);
    const dst = routines.get(c.targetRoutineId);
    if (src === undefined || dst === undefined) {
      issues.push({ severity: 'error', code: 'UNKNOWN_ROUTINE', message: `Connection ${c.sourceRoutineId}.${c.sourceEvent} → ${c.targetRoutineId}.${c.targetSlot} names a routine that is not in the flow.` });
      continue;
    }
    if (!src.events.has(c.sourceEvent)) {
      issues.push({ severity: 'error', code: 'UNKNOWN_EVENT', message: `Routine "${c.sourceRoutineId}" no longer has event "${c.sourceEvent}".`, routineId: c.sourceRoutineId });
    }
    if (!dst.slots.has(c.targetSlot)) {
      issues.push({ severity: 'error', code: 'UNKNOWN_SLOT', message: `Routine "${c.targetRoutineId}" no longer has slot "${c.targetSlot}".`, routineId: c.targetRoutineId });
    }
    incoming.add(`${c.targetRoutineId}\u0000${c.targetSlot}`);
  }
  let entries = 0;
  for (const [id, routine] of routines) {
    for (const slot of routine.slots.values()) {
      if (slot.internal) continue; // fed by the routine itself (ctx.schedule)
      if (slot.name === 'trigger') {
        entries++;
        continue;
      }
      if (!incoming.has(`${id}\u0000${slot.name}`)) {
        issues.push({ severity: 'warning', code: 'SLOT_NOT_CONNECTED', message: `Slot "${id}.${slot.name}" has no incoming connection; it will never receive data.`, routineId: id });
      } else if (slot.handler === undefined && routine.getLogic() === undefined) {
        issues.push({ severity: 'warning', code: 'SLOT_WITHOUT_HANDLER', message: `Slot "${id}.${slot.name}" receives data but has no handler; its payloads are only merged into the slot buffer.`, routineId: id });
      }
    }
  }
  if (routines.size > 0 && entries === 0) {
    issues.push({ severity: 'warning', code: 'NO_ENTRY_ROUTINE', message: 'No routine has a "trigger" slot, so flow.execute cannot start a job; define a trigger slot on the entry routine.' });
  }
  return issues;
}
