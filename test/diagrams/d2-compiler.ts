import { D2 } from '@terrastruct/d2';

/** A shape or a connection as D2's own compiler (its WASM build) read it. */
export interface CompiledD2 {
  readonly shapes: { id: string; label: string; type: string }[];
  readonly connections: { src: string; dst: string; label: string }[];
}

let d2: D2 | undefined;

/** Compiles `text` with D2 (the WASM build of the real compiler); a syntax error rejects. */
export async function compileD2(text: string): Promise<CompiledD2> {
  d2 ??= new D2();
  const { diagram } = await d2.compile(text);
  const raw = diagram as unknown as { shapes: { id: string; label: string; type: string }[]; connections: { src: string; dst: string; label: string }[] };
  return {
    shapes: raw.shapes.map((s) => ({ id: s.id, label: s.label, type: s.type })),
    connections: raw.connections.map((c) => ({ src: c.src, dst: c.dst, label: c.label })),
  };
}
