import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ErrorCode } from '../errors/error-codes.js';
import { SerializationError } from '../errors/routilux-error.js';
import { tokensOf, type DocumentIssue } from './document-issues.js';

/** The size cap of a flow document's text, UTF-8 bytes (services.md §3; not configurable). */
export const MAX_DOCUMENT_BYTES = 1_048_576;
/** More alias nodes than this in one document is refused. */
export const MAX_ALIASES = 100;

const ALLOWED_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Deeper flow-collection nesting than this is refused before parsing (the walkers stop at 256 too). */
const MAX_BRACKET_DEPTH = 256;

/**
 * Offset where `[` / `{` nesting first passes the limit, or -1. The YAML parser spends
 * seconds on hundreds of thousands of nested brackets that fit in 1 MiB, so a plain scan
 * (which also counts brackets inside strings: it can only overestimate) runs first.
 */
function tooDeep(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > MAX_BRACKET_DEPTH) return i;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return -1;
}

/** @internal a parsed document plus where each of its nodes came from. */
export interface ParsedText {
  readonly value: unknown;
  /** Adds the 1-based line and column of the node a JSON Pointer names (or of its nearest ancestor). */
  locate(issue: DocumentIssue): DocumentIssue;
}

/** 1-based line and column (in characters, not UTF-16 units) of an offset. */
function position(text: string, lines: LineCounter, offset: number): { line: number; column: number } {
  const { line } = lines.linePos(offset);
  const start = lines.lineStarts[line - 1] ?? 0;
  return { line, column: [...text.slice(start, offset)].length + 1 };
}

function syntaxError(what: string, text: string, lines: LineCounter, offset: number, message: string): SerializationError {
  const { line, column } = position(text, lines, offset);
  return new SerializationError(ErrorCode.INVALID_FORMAT, `${what} is not valid YAML/JSON at line ${line}, column ${column}: ${message}.`, {
    details: { stage: 'syntax', line, column, path: '', issues: [{ path: '', message, line, column }] },
  });
}

/** Stage 1: the size cap, before any parsing. */
export function assertTextSize(bytes: number, what: string): void {
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new SerializationError(ErrorCode.PAYLOAD_TOO_LARGE, `${what} is ${bytes} bytes; flow documents are limited to ${MAX_DOCUMENT_BYTES} bytes (1 MiB). Split the flow, or move large data out of routine configs.`, {
      details: { limit: MAX_DOCUMENT_BYTES, actual: bytes },
    });
  }
}

/** The node a pointer names (the key of a map entry), or its nearest existing ancestor. */
function nodeAt(doc: Document, path: string): Node | undefined {
  let cur: unknown = doc.contents;
  let found: Node | undefined = isNode(cur) ? cur : undefined;
  for (const token of tokensOf(path)) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === token);
      if (pair === undefined) break;
      found = isNode(pair.key) ? pair.key : found;
      cur = pair.value;
    } else if (isSeq(cur)) {
      const item: unknown = cur.items[Number(token)];
      if (!/^\d+$/.test(token) || item === undefined) break;
      cur = item;
      found = isNode(item) ? item : found;
    } else {
      break;
    }
  }
  return found;
}

/**
 * @internal Stages 1 and 2 of services.md §3 for YAML or JSON text: the size cap, then the
 * YAML core schema (JSON text is YAML too) with unique keys, only the tags
 * `!!str !!int !!float !!bool !!null !!map !!seq`, and at most {@link MAX_ALIASES} alias
 * nodes. Every failure is `INVALID_FORMAT` with `details: { line, column }`.
 */
export function parseDocumentText(text: string, what: string): ParsedText {
  assertTextSize(Buffer.byteLength(text, 'utf8'), what);
  const lines = new LineCounter();
  const deep = tooDeep(text);
  if (deep >= 0) {
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < deep; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    throw syntaxError(what, text, lines, deep, `"[" and "{" are nested deeper than ${MAX_BRACKET_DEPTH} levels; flatten the data`);
  }
  const doc = parseDocument(text, { schema: 'core', version: '1.2', uniqueKeys: true, merge: false, strict: true, prettyErrors: false, lineCounter: lines });
  const first = doc.errors[0];
  if (first !== undefined) {
    const message = first.code === 'MULTIPLE_DOCS' ? 'a flow document is one YAML document; remove the second "---" and what follows, or split it into two files' : first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw syntaxError(what, text, lines, first.pos[0], message);
  }
  let aliases = 0;
  let firstAlias = 0;
  let refused: { offset: number; message: string } | undefined;
  visit(doc, {
    Alias(_key, node, path) {
      if (aliases++ === 0) firstAlias = node.range?.[0] ?? 0;
      if (aliases > MAX_ALIASES) {
        refused = { offset: node.range?.[0] ?? 0, message: `more than ${MAX_ALIASES} aliases (*name); write the values out instead of repeating anchors` };
        return visit.BREAK;
      }
      const target = node.resolve(doc);
      if (target !== undefined && path.includes(target as never)) {
        refused = { offset: node.range?.[0] ?? 0, message: `the alias *${node.source} refers to a node that contains it; a flow document cannot be recursive` };
        return visit.BREAK;
      }
      return undefined;
    },
    Node(_key, node) {
      if (!isAlias(node) && node.tag !== undefined && !ALLOWED_TAGS.has(node.tag)) {
        refused = { offset: node.range?.[0] ?? 0, message: `the tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; flow documents use only !!str !!int !!float !!bool !!null !!map !!seq` };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  const tagWarning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tagWarning !== undefined) refused = { offset: tagWarning.pos[0], message: `${tagWarning.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}; flow documents use only !!str !!int !!float !!bool !!null !!map !!seq` };
  if (refused !== undefined) throw syntaxError(what, text, lines, refused.offset, refused.message);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (cause) {
    // yaml's maxAliasCount: the aliases would expand to too many nodes (an alias bomb)
    const message = cause instanceof ReferenceError ? `the aliases expand to too many nodes (more than ${MAX_ALIASES} per alias); write the values out instead of nesting anchors` : cause instanceof Error ? cause.message : String(cause);
    throw syntaxError(what, text, lines, firstAlias, message);
  }
  return {
    value,
    locate(issue) {
      const offset = nodeAt(doc, issue.path)?.range?.[0];
      return offset === undefined ? issue : { ...issue, ...position(text, lines, offset) };
    },
  };
}
