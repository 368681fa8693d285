import { parse as parseYaml } from 'yaml';

/** One successful extraction. */
export interface ExtractionHit {
  readonly value: unknown;
  /** `json`, `yaml`, `xml`, a code language, `interpreter_output`, `object`, `array`, … */
  readonly format: string;
  /** How it was found: `json_code_block`, `json_string`, `python_code_block`, `direct`, … */
  readonly method: string;
  readonly metadata?: Record<string, unknown>;
}

/** Settings an extractor receives. */
export interface ExtractorSettings {
  readonly codeBlockLanguages: readonly string[];
}

/** A built-in or custom extractor: returns a hit or undefined. Custom ones are registered with FunctionRegistry. */
export type Extractor = (input: unknown, settings: ExtractorSettings) => ExtractionHit | undefined;

const FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)```/g;

/** Every fenced code block of `text` as `[language, body]`, in order. */
export function codeBlocks(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(FENCE)) out.push([m[1]!.toLowerCase(), m[2]!.replace(/\n$/, '')]);
  return out;
}

function lastBlock(text: string, languages: readonly string[]): string | undefined {
  const blocks = codeBlocks(text).filter(([lang]) => languages.includes(lang));
  return blocks.length > 0 ? blocks[blocks.length - 1]![1] : undefined;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function tryYaml(text: string): unknown {
  try {
    const v = parseYaml(text, { maxAliasCount: 100 }) as unknown;
    return v !== null && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

const asText = (input: unknown): string | undefined => (typeof input === 'string' ? input : undefined);

/** The built-in extractors, by name. */
export const BUILTIN_EXTRACTORS: Readonly<Record<string, Extractor>> = Object.freeze({
  interpreter_output: (input) => {
    if (!Array.isArray(input) || input.length === 0) return undefined;
    const outputs: string[] = [];
    for (const entry of input) {
      if (entry === null || typeof entry !== 'object') return undefined;
      const e = entry as Record<string, unknown>;
      const kind = e['type'] ?? e['format'];
      const content = e['content'] ?? e['text'] ?? e['output'];
      if (typeof content !== 'string') return undefined;
      if (kind === 'output' || kind === 'console' || kind === 'stdout') outputs.push(content);
    }
    return outputs.length === 0 ? undefined : { value: outputs.join('\n'), format: 'interpreter_output', method: 'interpreter_output', metadata: { entries: outputs.length } };
  },
  json_code_block: (input) => {
    const text = asText(input);
    if (text === undefined) return undefined;
    const blocks = codeBlocks(text).filter(([lang]) => lang === 'json');
    for (let i = blocks.length - 1; i >= 0; i--) {
      const parsed = tryJson(blocks[i]![1]);
      if (parsed.ok) return { value: parsed.value, format: 'json', method: 'json_code_block', metadata: { blocks: blocks.length } };
    }
    return undefined;
  },
  json_string: (input) => {
    const text = asText(input)?.trim();
    if (text === undefined || !/^[[{]/.test(text)) return undefined;
    const parsed = tryJson(text);
    return parsed.ok ? { value: parsed.value, format: 'json', method: 'json_string' } : undefined;
  },
  yaml_code_block: (input) => {
    const text = asText(input);
    const block = text === undefined ? undefined : lastBlock(text, ['yaml', 'yml']);
    const value = block === undefined ? undefined : tryYaml(block);
    return value === undefined ? undefined : { value, format: 'yaml', method: 'yaml_code_block' };
  },
  yaml_string: (input) => {
    const text = asText(input);
    if (text === undefined || text.includes('```')) return undefined;
    const value = tryYaml(text);
    return value === undefined ? undefined : { value, format: 'yaml', method: 'yaml_string' };
  },
  xml_code_block: (input) => {
    const text = asText(input);
    const block = text === undefined ? undefined : lastBlock(text, ['xml']);
    return block === undefined ? undefined : { value: block, format: 'xml', method: 'xml_code_block' };
  },
  code_block: (input, settings) => {
    const text = asText(input);
    if (text === undefined) return undefined;
    for (const lang of settings.codeBlockLanguages) {
      const block = lastBlock(text, [lang]);
      if (block !== undefined) return { value: block, format: lang, method: `${lang}_code_block` };
    }
    return undefined;
  },
  object: (input) => (input !== null && typeof input === 'object' && !Array.isArray(input) ? { value: input, format: 'object', method: 'direct' } : undefined),
  array: (input) => (Array.isArray(input) ? { value: input, format: 'array', method: 'direct' } : undefined),
});

/** The default extractor order. */
export const DEFAULT_EXTRACTOR_ORDER: readonly string[] = ['interpreter_output', 'json_code_block', 'json_string', 'code_block', 'object', 'array'];

/** Confidence of a hit: 0.5, +0.2 structured value, +0.1 code block, +0.1 json/yaml, −0.3 empty; within [0, 1]. */
export function confidenceOf(hit: ExtractionHit): number {
  const v = hit.value;
  let c = 0.5;
  if (v !== null && typeof v === 'object') c += 0.2;
  if (hit.method.endsWith('code_block')) c += 0.1;
  if (hit.format === 'json' || hit.format === 'yaml') c += 0.1;
  const empty = v === '' || v === null || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0);
  if (empty) c -= 0.3;
  return Math.round(Math.min(1, Math.max(0, c)) * 100) / 100;
}
