import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { pickValue } from '../shared/input.js';

/** Configuration of {@link TextRenderer}. */
export class TextRendererConfig {
  /** `'xml'` renders `<key>value</key>`; `'markdown'` renders `**key**: value` and `- item`. @default 'xml' */
  @IsIn(['xml', 'markdown']) format?: 'xml' | 'markdown' = 'xml';
  /** Indentation per nesting level. @default '  ' */
  @IsString() @MaxLength(16) indent?: string = '  ';
  /** Adds the value type (`type="number"` in XML, `(number)` in Markdown). @default false */
  @IsBoolean() includeTypeHints?: boolean = false;
  /** Path of the value to render; default: `data.data` when present, else the payload. */
  @IsOptional() @IsString() inputKey?: string;
}

/** Options of {@link renderValue}. */
export interface RenderOptions {
  format: 'xml' | 'markdown';
  indent: string;
  includeTypeHints: boolean;
}

const CIRCULAR = '[Circular Reference]';

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'function') return '[Function]';
  return String(v);
}

/**
 * Renders objects and arrays as XML-like tags or Markdown, indenting nested values one
 * level deeper. Shared references are fine; a cycle is rendered as `[Circular Reference]`.
 */
export function renderValue(value: unknown, options: RenderOptions): string {
  const path = new Set<object>();
  const xmlTag = (key: string): string => key.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^([^A-Za-z_])/, '_$1');
  const render = (v: unknown, level: number): string => {
    const pad = options.indent.repeat(level);
    if (v === null || typeof v !== 'object') return scalar(v);
    if (path.has(v)) return CIRCULAR;
    path.add(v);
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((item, i) => [`item_${i}`, item]) : Object.entries(v);
    const lines = entries.map(([key, child]) => {
      const nested = child !== null && typeof child === 'object' && !path.has(child);
      const body = render(child, level + 1);
      const hint = options.includeTypeHints ? typeName(child) : '';
      if (options.format === 'markdown') {
        const label = Array.isArray(v) ? '-' : `**${key}**:`;
        const typed = hint ? ` (${hint})` : '';
        return nested ? `${pad}${label}${typed}\n${body}` : `${pad}${label} ${body}${typed}`;
      }
      const tag = xmlTag(key);
      const attr = hint ? ` type="${hint}"` : '';
      return nested ? `${pad}<${tag}${attr}>\n${body}\n${pad}</${tag}>` : `${pad}<${tag}${attr}>${body}</${tag}>`;
    });
    path.delete(v);
    return lines.join('\n');
  };
  return render(value, 0);
}

/** Payload of TextRenderer's `output` event. */
export interface TextRendererOutput {
  /** The rendered text. */
  data: string;
  /** Type of the input value: `'string' | 'number' | 'boolean' | 'null' | 'undefined' | 'array' | 'object'`. */
  originalType: string;
}

/**
 * Renders a payload (objects, arrays, scalars) as XML-like tags or Markdown, for
 * prompts and reports.
 *
 * Slot `input` → event `output({ data, originalType })` ({@link TextRendererOutput}): `data` is the text.
 *
 * @example
 * new TextRenderer({ format: 'markdown' }) // { name: 'x', items: [1] } → "**name**: x\n**items**:\n  - 1"
 */
@Routine({ name: 'routilux.TextRenderer', config: TextRendererConfig })
export class TextRenderer extends ConfigurableRoutine {
  constructor(options?: TextRendererConfig) {
    super();
    this.defineEvent('output', ['data', 'originalType']);
    this.configure(options);
  }

  /** Renders one value. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const value = pickValue(data, this.getConfig<string | undefined>('inputKey'));
    const text = renderValue(value, {
      format: this.getConfig<'xml' | 'markdown'>('format', 'xml'),
      indent: this.getConfig<string>('indent', '  '),
      includeTypeHints: this.getConfig<boolean>('includeTypeHints', false),
    });
    const payload: TextRendererOutput = { data: text, originalType: typeName(value) };
    this.emit('output', payload);
  }
}
