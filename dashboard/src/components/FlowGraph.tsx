import { useEffect, useState } from 'preact/hooks';
import type { CounterTable } from '../lib/counters.js';
import type { GraphEdge, GraphNode } from '../lib/graph-model.js';
import { layoutGraph, type Layout } from '../lib/layout.js';

function path(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
}

/** The flow's graph, laid out by ELK: routines with slot and event ports, labelled edges, live counters on each node. */
export function FlowGraph({ nodes, edges, counters }: { nodes: GraphNode[]; edges: GraphEdge[]; counters: CounterTable }) {
  const [layout, setLayout] = useState<Layout | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    layoutGraph(nodes, edges).then(
      (l) => live && setLayout(l),
      (e: unknown) => live && setError(String(e)),
    );
    return () => {
      live = false;
    };
  }, [nodes, edges]);
  if (error !== undefined) return <p class="error">Layout failed: {error}</p>;
  if (layout === undefined) return <p class="muted">Laying out…</p>;
  return (
    <div class="graph-wrap">
      <svg class="graph" width={layout.width} height={layout.height} viewBox={`-10 -10 ${layout.width} ${layout.height}`} role="img" aria-label={`Flow graph: ${nodes.length} routines, ${edges.length} connections`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <g class="edge" key={e.edge.id} data-edge={e.edge.label}>
            <title>{`${e.edge.source}.${e.edge.event} → ${e.edge.target}.${e.edge.slot}`}</title>
            <path d={path(e.points)} marker-end="url(#arrow)" />
            {e.label !== undefined ? (
              <g>
                <rect class="edge-label-bg" x={e.label.x - 2} y={e.label.y} width={e.label.width + 4} height={e.label.height} rx="3" />
                <text class="edge-label" x={e.label.x + e.label.width / 2} y={e.label.y + 13} text-anchor="middle">
                  {e.edge.label}
                </text>
              </g>
            ) : null}
          </g>
        ))}
        {layout.nodes.map((n) => {
          const c = counters[n.node.id] ?? { queued: 0, running: 0, completed: 0, failed: 0 };
          return (
            <g class={`node${n.node.entry ? ' entry' : ''}${c.running > 0 ? ' busy' : ''}`} key={n.node.id} data-routine={n.node.id}>
              <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={n.node.entry ? 18 : 6} />
              <text class="node-title" x={n.x + 12} y={n.y + 20}>
                {n.node.id}
              </text>
              <text class="node-type" x={n.x + 12} y={n.y + 36}>
                {n.node.type}
                {n.node.entry ? ' · entry' : ''}
              </text>
              {n.ports.map((p) => {
                const merge = p.side === 'in' ? n.node.slots.find((s) => s.name === p.name)?.merge : undefined;
                return (
                  <g class={`port port-${p.side}`} key={p.id}>
                    <circle cx={p.x} cy={p.y} r="5" />
                    <text x={p.side === 'in' ? p.x + 10 : p.x - 10} y={p.y + 4} text-anchor={p.side === 'in' ? 'start' : 'end'}>
                      {p.name}
                      {merge !== undefined && merge !== 'override' ? ` (${merge})` : ''}
                    </text>
                  </g>
                );
              })}
              <text class="counters" x={n.x + 12} y={n.y + n.height - 10} aria-label={`${n.node.id}: ${c.queued} queued, ${c.running} running, ${c.completed} completed, ${c.failed} failed`}>
                <tspan class="c-queued">≡{c.queued}</tspan>
                <tspan class="c-running" dx="10">▶{c.running}</tspan>
                <tspan class="c-completed" dx="10">✓{c.completed}</tspan>
                <tspan class="c-failed" dx="10">✗{c.failed}</tspan>
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
