import { diagramModel, type DiagramEdge, type DiagramNode, type DiagramSource } from './diagram-model.js';

/**
 * Text for a Mermaid label in double quotes: characters Mermaid would read as syntax, an
 * entity or HTML are written as Mermaid entity codes, so any routine id, type or mapping key
 * shows as written.
 */
function text(value: string): string {
  return value.replace(/[#"<>&|`\r\n\t]/g, (ch) => `#${ch.codePointAt(0)!};`);
}

function nodeLine(n: DiagramNode): string {
  const lines = [text(n.routineId), text(n.type), ...n.fanIn.map((f) => `fan-in ${text(f.slot)}: merge ${text(f.merge)}`)];
  const label = `"${lines.join('<br/>')}"`;
  return n.entry ? `  ${n.key}([${label}]):::entry` : `  ${n.key}[${label}]`;
}

/** @internal `<event> → <slot>`, then ` (a→b, …)` when the connection has a paramMapping. */
export function edgeLabel(e: DiagramEdge): string {
  const mapping = e.mapping.length === 0 ? '' : ` (${e.mapping.map(([from, to]) => `${from}→${to}`).join(', ')})`;
  return `${e.event} → ${e.slot}${mapping}`;
}

/**
 * The flow as a Mermaid 11 flowchart (left to right). Nodes get generated ids `n0`, `n1`, …
 * (in routine-id order) labelled with the routine id and type; entry routines (those with a
 * `trigger` slot) are stadiums of class `entry`; every connection is one edge labelled
 * `<event> → <slot>` plus ` (from→to, …)` when it maps parameters; a slot fed by more than
 * one connection is listed on its node with its merge strategy. The same flow, its document
 * and a deserialized copy give the same text.
 *
 * For a document, routine types are looked up in the RoutineRegistry; a type that is not
 * registered is drawn with its name but never as an entry, its fan-in slots as `merge unknown`.
 * A value that is not a Flow or flow document → `INVALID_FORMAT`; a connection naming a
 * routine the document lacks → `UNKNOWN_ROUTINE`.
 *
 * @example
 * writeFileSync('flow.mmd', flowToMermaid(flow));
 */
export function flowToMermaid(flowOrDocument: DiagramSource): string {
  const model = diagramModel(flowOrDocument);
  const out = ['flowchart LR'];
  for (const n of model.nodes) out.push(nodeLine(n));
  for (const e of model.edges) out.push(`  ${e.from} -->|"${text(edgeLabel(e))}"| ${e.to}`);
  out.push('  classDef entry stroke-width:3px');
  return `${out.join('\n')}\n`;
}
