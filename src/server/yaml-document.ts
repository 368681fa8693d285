// Parses a YAML flow document for POST /flows (services.md §3 stages 1–3): size, syntax with
// the core schema only (no custom tags, at most 100 aliases), then forbidden keys. The object
// it returns goes to Flow.deserialize, which runs the remaining stages.
import { LineCounter, isAlias, isNode, parseDocument, visit } from 'yaml';
import { HttpError } from './http-errors.js';
import { forbiddenKeyPath } from './forbidden-keys.js';

const MAX_BYTES = 1_048_576;
const ALLOWED_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

function position(counter: LineCounter, offset: number): { line: number; column: number } {
  const p = counter.linePos(offset);
  return { line: p.line, column: p.col };
}

/** The YAML text as a plain object, or a typed 4xx error. @internal */
export function parseYamlDocument(text: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BYTES) throw new HttpError('PAYLOAD_TOO_LARGE', `The flow document is ${bytes} bytes; documents are limited to ${MAX_BYTES} bytes.`, { limit: MAX_BYTES, actual: bytes }, 413);
  const counter = new LineCounter();
  const doc = parseDocument(text, { schema: 'core', lineCounter: counter, uniqueKeys: true, prettyErrors: false, strict: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    throw new HttpError('INVALID_FORMAT', `The YAML document does not parse: ${first.message.split('\n')[0]}`, position(counter, first.pos[0]));
  }
  let aliases = 0;
  let problem: HttpError | undefined;
  visit(doc, (_key, node) => {
    if (!isNode(node)) return undefined;
    if (isAlias(node)) aliases++;
    const tag = (node as { tag?: string }).tag;
    const offset = (node as { range?: [number, number, number] }).range?.[0] ?? 0;
    if (aliases > 100) problem = new HttpError('INVALID_FORMAT', 'The YAML document uses more than 100 aliases.', position(counter, offset));
    else if (tag !== undefined && !ALLOWED_TAGS.has(tag)) problem = new HttpError('INVALID_FORMAT', `The YAML tag "${tag}" is not allowed; only the core schema's str, int, float, bool, null, map and seq are.`, position(counter, offset));
    return problem === undefined ? undefined : visit.BREAK;
  });
  if (problem !== undefined) throw problem;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new HttpError('INVALID_FORMAT', `The YAML document cannot be read: ${cause instanceof Error ? cause.message.split('\n')[0] : 'bad alias'}.`, { line: 1, column: 1 });
  }
  const path = forbiddenKeyPath(value);
  if (path !== undefined) throw new HttpError('FORBIDDEN_KEY', `The document contains a forbidden key at ${path}; "__proto__", "constructor" and "prototype" are refused because they could alter object prototypes.`, { path });
  return value;
}
