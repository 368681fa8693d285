import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { ErrorCode, ExecutionError, FunctionRegistry, Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { MISSING, getPath } from '../shared/paths.js';
import { BUILTIN_EXTRACTORS, DEFAULT_EXTRACTOR_ORDER, confidenceOf, type Extractor, type ExtractionHit } from './extractors.js';

function extractorsProblem(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'must be an array of extractor names';
  for (const name of v) {
    if (typeof name !== 'string') return 'must contain extractor names (strings)';
    if (!(name in BUILTIN_EXTRACTORS) && FunctionRegistry.get(name) === undefined) {
      return `names an unknown extractor "${name}"; built-ins: ${Object.keys(BUILTIN_EXTRACTORS).join(', ')}, or register one with FunctionRegistry.register("${name}", fn)`;
    }
  }
  return undefined;
}

/** Configuration of {@link ResultExtractor}. */
export class ResultExtractorConfig {
  /** `'first'`: the first extractor (in order) that finds something wins; `'all'`: every hit is reported. @default 'first' */
  @IsIn(['first', 'all']) strategy?: 'first' | 'all' = 'first';
  /** Extractors in order: built-in names or FunctionRegistry names of custom extractors. @default DEFAULT_EXTRACTOR_ORDER */
  @Check(extractorsProblem) extractors?: string[] = [...DEFAULT_EXTRACTOR_ORDER];
  /** Languages `code_block` looks for, in priority order. @default ['json','python','output','yaml','xml'] */
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) codeBlockLanguages?: string[] = ['json', 'python', 'output', 'yaml', 'xml'];
  /** When nothing is found: emit `output` with the original input (confidence 0) instead of `failed`. @default true */
  @IsBoolean() returnOriginalOnFailure?: boolean = true;
  /** A throwing custom extractor is recorded in `errors` and skipped; when false the routine fails. @default true */
  @IsBoolean() continueOnError?: boolean = true;
  /** Path of the input; default: the first of `text`, `content`, `output`, `data`, else the payload. */
  @IsOptional() @IsString() inputKey?: string;
}

/** One reported extraction. */
export interface ExtractionResult {
  /** The extracted value (parsed JSON/YAML, code block text, the structured input, …). */
  data: unknown;
  /** `'json' | 'yaml' | 'xml' | 'text' | '<language>'` or the type of a direct value (`'object'`, `'array'`, …); set by the extractor. */
  format: string;
  /** The extractor's method name (`json_code_block`, `direct`, `<lang>_code_block`, …; `'none'` when nothing matched). */
  method: string;
  /** Within [0, 1]; 0 when nothing matched (see docs/builtins.md). */
  confidence: number;
  /** Extractor-specific details; `{}` when none. */
  metadata: Record<string, unknown>;
}

/** A custom extractor that threw (with `continueOnError`): its name and the error message. */
export interface ExtractorError {
  extractor: string;
  error: string;
}

/** Payload of ResultExtractor's `output` event. */
export interface ResultExtractorOutput extends ExtractionResult {
  /** Extractors tried, in order, ending with the one that matched; `[]` when nothing matched. */
  extractionPath: string[];
  /** Custom extractors that threw; `[]` when none. */
  errors: ExtractorError[];
  /** With `strategy: 'all'` only: every hit, in extractor order (absent otherwise). */
  alternatives?: ExtractionResult[];
}

/** Payload of ResultExtractor's `failed` event. */
export interface ResultExtractorFailed {
  /** The input the extractors were given. */
  data: unknown;
  /** Every extractor tried, in order. */
  extractionPath: string[];
  errors: ExtractorError[];
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Pulls structured results out of LLM-style output: interpreter output, fenced JSON /
 * YAML / XML / code blocks, JSON strings, or already-structured values, trying
 * extractors in order (custom ones via FunctionRegistry names).
 *
 * Slot `input` → event `output({ data, format, method, confidence, metadata, extractionPath, errors, alternatives? })`
 * ({@link ResultExtractorOutput}; `data` is the extracted value),
 * or `failed({ data, extractionPath, errors })` ({@link ResultExtractorFailed}) when nothing matched and `returnOriginalOnFailure` is off.
 * `extractionPath` lists the extractors tried, in order, ending with the one that matched.
 *
 * @example
 * new ResultExtractor({ extractors: ['json_code_block', 'json_string'] })
 */
@Routine({ name: 'routilux.ResultExtractor', config: ResultExtractorConfig })
export class ResultExtractor extends ConfigurableRoutine {
  constructor(options?: ResultExtractorConfig) {
    super();
    this.defineEvent('output', ['data', 'format', 'method', 'confidence', 'metadata', 'extractionPath', 'errors', 'alternatives']);
    this.defineEvent('failed', ['data', 'extractionPath', 'errors']);
    this.configure(options);
  }

  /** Extracts from one payload. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const key = this.getConfig<string | undefined>('inputKey');
    let input: unknown = data;
    if (key !== undefined) {
      const v = getPath(data, key);
      input = v === MISSING ? undefined : v;
    }
    else for (const k of ['text', 'content', 'output', 'data']) if (Object.prototype.hasOwnProperty.call(data, k)) { input = data[k]; break; }
    const settings = { codeBlockLanguages: this.getConfig<string[]>('codeBlockLanguages', []) };
    const all = this.getConfig<string>('strategy', 'first') === 'all';
    const path: string[] = [];
    const errors: ExtractorError[] = [];
    const hits: ExtractionResult[] = [];
    for (const name of this.getConfig<string[]>('extractors', [])) {
      path.push(name);
      const hit = this.runExtractor(name, input, settings, errors);
      if (hit === undefined) continue;
      hits.push({ data: hit.value, format: hit.format, method: hit.method, confidence: confidenceOf(hit), metadata: { ...(hit.metadata ?? {}) } });
      if (!all) break;
    }
    if (hits.length > 0) {
      const best = all ? hits.reduce((a, b) => (b.confidence > a.confidence ? b : a)) : hits[0]!;
      const payload: ResultExtractorOutput = { ...best, extractionPath: path, errors, ...(all ? { alternatives: hits } : {}) };
      this.emit('output', payload);
    } else if (this.getConfig<boolean>('returnOriginalOnFailure', true)) {
      const payload: ResultExtractorOutput = { data: input, format: typeName(input), method: 'none', confidence: 0, metadata: {}, extractionPath: [], errors };
      this.emit('output', payload);
    } else {
      const payload: ResultExtractorFailed = { data: input, extractionPath: path, errors };
      this.emit('failed', payload);
    }
  }

  private runExtractor(name: string, input: unknown, settings: { codeBlockLanguages: string[] }, errors: ExtractorError[]): ExtractionHit | undefined {
    const fn = (BUILTIN_EXTRACTORS[name] ?? FunctionRegistry.get(name)) as Extractor | undefined;
    if (fn === undefined) return undefined;
    try {
      const hit = fn(input, settings);
      if (hit === undefined || hit === null) return undefined;
      if (typeof hit !== 'object' || typeof hit.format !== 'string') throw new Error('an extractor must return { value, format, method? } or undefined');
      return { value: hit.value, format: hit.format, method: typeof hit.method === 'string' ? hit.method : name, ...(hit.metadata !== undefined ? { metadata: hit.metadata } : {}) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.getConfig<boolean>('continueOnError', true)) {
        throw new ExecutionError(ErrorCode.ROUTINE_FAILED, `Extractor "${name}" failed: ${message}`, { cause: error, details: { extractor: name } });
      }
      errors.push({ extractor: name, error: message });
      return undefined;
    }
  }
}
