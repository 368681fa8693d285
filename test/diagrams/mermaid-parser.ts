import { JSDOM } from 'jsdom';

/** A vertex or an edge as Mermaid's own flowchart parser read it, labels decoded. */
export interface ParsedFlowchart {
  readonly vertices: { id: string; text: string; type: string; classes: string[] }[];
  readonly edges: { start: string; end: string; text: string }[];
}

interface FlowDb {
  getVertices(): Map<string, { id: string; text: string; type: string; classes: string[] }>;
  getEdges(): { start: string; end: string; text: string }[];
}
interface MermaidApi {
  parse(text: string): Promise<{ diagramType: string }>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: FlowDb }> };
}

let loaded: Promise<MermaidApi> | undefined;

/** Mermaid 11. Its DOMPurify takes a window when it loads: jsdom lends one for the import only. */
function mermaid(): Promise<MermaidApi> {
  loaded ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    const { window } = new JSDOM('');
    g['window'] = window;
    g['document'] = window.document;
    try {
      const mod = (await import('mermaid')) as unknown as { default: MermaidApi };
      return mod.default;
    } finally {
      delete g['window'];
      delete g['document'];
    }
  })();
  return loaded;
}

/** Mermaid's label text keeps entity codes as ﬂ°°NN¶ß until it renders; this renders them. */
const decode = (text: string): string => text.replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCodePoint(Number(n)));

/** Parses `text` with Mermaid's own parser; a syntax error rejects. */
export async function parseFlowchart(text: string): Promise<ParsedFlowchart> {
  const m = await mermaid();
  const { diagramType } = await m.parse(text);
  if (diagramType !== 'flowchart-v2') throw new Error(`expected a flowchart, Mermaid read ${diagramType}`);
  const { db } = await m.mermaidAPI.getDiagramFromText(text);
  return {
    vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text), type: v.type, classes: [...v.classes] })),
    edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text) })),
  };
}
