import { diagramModel, type DiagramSource } from './diagram-model.js';
import { edgeLabel } from './mermaid.js';

/** A D2 double-quoted string: backslash, quote and `$` (substitutions) escaped, line breaks as `\n`. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"$]/g, (ch) => `\\${ch}`).replace(/\r\n|\r|\n/g, '\\n').replace(/\t/g, ' ')}"`;
}

/**
 * The flow as a D2 (0.7) diagram, direction right. Nodes get generated ids `n0`, `n1`, …
 * (in routine-id order) labelled with the routine id and type; entry routines (those with a
 * `trigger` slot) have `shape: oval`; every connection is one edge labelled
 * `<event> → <slot>` plus ` (from→to, …)` when it maps parameters; a slot fed by more than
 * one connection is listed on its node with its merge strategy. The same flow, its document
 * and a deserialized copy give the same text. Unregistered types in a document are handled
 * as by {@link flowToMermaid}.
 *
 * @example
 * writeFileSync('flow.d2', flowToD2(flow));
 */
export function flowToD2(flowOrDocument: DiagramSource): string {
  const model = diagramModel(flowOrDocument);
  const out = ['direction: right'];
  for (const n of model.nodes) {
    const label = quoted([n.routineId, n.type, ...n.fanIn.map((f) => `fan-in ${f.slot}: merge ${f.merge}`)].join('\n'));
    out.push(n.entry ? `${n.key}: ${label} {\n  shape: oval\n}` : `${n.key}: ${label}`);
  }
  for (const e of model.edges) out.push(`${e.from} -> ${e.to}: ${quoted(edgeLabel(e))}`);
  return `${out.join('\n')}\n`;
}
