import type { Connection, FlowDocument, RoutineType } from '../api/types.js';

/** A routine as the graph draws it: its slots (west ports) and events (east ports). */
export interface GraphNode {
  id: string;
  type: string;
  slots: { name: string; merge?: string }[];
  events: string[];
  entry: boolean;
}

export interface GraphEdge {
  id: string;
  source: string;
  event: string;
  target: string;
  slot: string;
  label: string;
}

/** `<event> → <slot>` plus ` (a→b, …)` for a paramMapping — the same label as the diagrams. */
export function edgeLabel(c: Connection): string {
  const m = Object.entries(c.paramMapping ?? {});
  return `${c.sourceEvent} → ${c.targetSlot}${m.length === 0 ? '' : ` (${m.map(([a, b]) => `${a}→${b}`).join(', ')})`}`;
}

/**
 * Nodes and edges of a flow document. Ports come from the routine catalogue
 * (`GET /routines`) when the type is known there, and from the connections otherwise, so
 * every connection has both of its ports.
 */
export function graphOf(doc: FlowDocument, catalogue: readonly RoutineType[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const types = new Map(catalogue.map((t) => [t.name, t]));
  const nodes = Object.entries(doc.routines).map(([id, r]): GraphNode => {
    const t = types.get(r.type);
    const slots: { name: string; merge?: string }[] = (t?.slots ?? []).map((s) => ({ name: s.name, merge: s.merge }));
    const events = (t?.events ?? []).map((e) => e.name);
    for (const c of doc.connections) {
      if (c.targetRoutineId === id && !slots.some((s) => s.name === c.targetSlot)) slots.push({ name: c.targetSlot });
      if (c.sourceRoutineId === id && !events.includes(c.sourceEvent)) events.push(c.sourceEvent);
    }
    return { id, type: r.type, slots, events, entry: slots.some((s) => s.name === 'trigger') };
  });
  const edges = doc.connections.map((c, i): GraphEdge => ({ id: `e${i}`, source: c.sourceRoutineId, event: c.sourceEvent, target: c.targetRoutineId, slot: c.targetSlot, label: edgeLabel(c) }));
  return { nodes, edges };
}
