import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { GraphEdge, GraphNode } from './graph-model.js';

export interface PlacedPort {
  id: string;
  name: string;
  side: 'in' | 'out';
  x: number;
  y: number;
}

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  ports: PlacedPort[];
}

export interface PlacedEdge {
  edge: GraphEdge;
  points: { x: number; y: number }[];
  label?: { x: number; y: number; width: number; height: number };
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const PORT_ROW = 20;
const HEADER = 46;
const COUNTER_ROW = 22;
const CHAR = 7.2;

let elk: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | undefined;
/** ELK is loaded on first use (its own chunk), so the other pages start without it. */
const getElk = (): Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> => (elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));
const portId = (node: string, side: 'in' | 'out', name: string): string => `${node}\u0000${side}\u0000${name}`;

/** Lays the flow out left to right with ELK's layered algorithm, slots as west ports and events as east ports. */
export async function layoutGraph(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Promise<Layout> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '40',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
    },
    children: nodes.map((n) => {
      const rows = Math.max(n.slots.length, n.events.length, 1);
      const widest = Math.max(n.id.length, n.type.length, ...n.slots.map((s) => s.name.length + 14), ...n.events.map((e) => e.length + 14));
      return {
        id: n.id,
        width: Math.max(170, Math.ceil(widest * CHAR) + 40),
        height: HEADER + rows * PORT_ROW + COUNTER_ROW + 8,
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
        ports: [
          ...n.slots.map((s, i) => ({ id: portId(n.id, 'in', s.name), x: -5, y: HEADER + i * PORT_ROW + PORT_ROW / 2 - 5, width: 10, height: 10 })),
          ...n.events.map((e, i) => ({ id: portId(n.id, 'out', e), x: Math.max(170, Math.ceil(widest * CHAR) + 40) - 5, y: HEADER + i * PORT_ROW + PORT_ROW / 2 - 5, width: 10, height: 10 })),
        ],
      };
    }),
    edges: edges.map((e) => ({
      id: e.id,
      sources: [portId(e.source, 'out', e.event)],
      targets: [portId(e.target, 'in', e.slot)],
      labels: [{ id: `${e.id}-label`, text: e.label, width: Math.ceil(e.label.length * 6.6) + 10, height: 18 }],
    })),
  };
  const out = await (await getElk()).layout(graph);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: PlacedNode[] = (out.children ?? []).map((c) => {
    const node = byId.get(c.id)!;
    return {
      node,
      x: c.x ?? 0,
      y: c.y ?? 0,
      width: c.width ?? 0,
      height: c.height ?? 0,
      ports: (c.ports ?? []).map((p) => {
        const [, side, name] = p.id.split('\u0000') as [string, 'in' | 'out', string];
        return { id: p.id, name, side, x: (c.x ?? 0) + (p.x ?? 0) + 5, y: (c.y ?? 0) + (p.y ?? 0) + 5 };
      }),
    };
  });
  const edgeById = new Map(edges.map((e) => [e.id, e]));
  const placedEdges: PlacedEdge[] = (out.edges ?? []).map((e) => {
    const section = e.sections?.[0];
    const points = section === undefined ? [] : [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const l = e.labels?.[0];
    return {
      edge: edgeById.get(e.id)!,
      points,
      ...(l !== undefined ? { label: { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 } } : {}),
    };
  });
  return { width: (out.width ?? 0) + 20, height: (out.height ?? 0) + 20, nodes: placed, edges: placedEdges };
}
