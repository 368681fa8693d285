import { IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { pickText } from '../shared/input.js';

/** Configuration of {@link TextClipper}. */
export class TextClipperConfig {
  /** Maximum length of the clipped text (before the truncation note). @default 1000 */
  @IsInt() @Min(1) @Max(100_000_000) maxLength?: number = 1000;
  /** Never clip a text that contains one of `tracebackMarkers`. @default true */
  @IsBoolean() preserveTracebacks?: boolean = true;
  /** Substrings that mark a traceback. @default ['Traceback (most recent call last)'] */
  @IsArray() @IsString({ each: true }) tracebackMarkers?: string[] = ['Traceback (most recent call last)'];
  /** Note appended after a cut; `{remaining}` is replaced by the number of dropped lines. @default '...({remaining} more lines)' */
  @IsString() truncationMessage?: string = '...({remaining} more lines)';
  /** Path of the text in the payload; default: the input text (see docs/builtins.md, payload convention). */
  @IsOptional() @IsString() inputKey?: string;
}

/** What {@link clipText} returns. */
export interface ClippedText {
  /** The clipped text, truncation note included; the input unchanged when not clipped. */
  text: string;
  wasClipped: boolean;
  /** Length of the input text, in UTF-16 code units. */
  originalLength: number;
  /** Lines cut off; 0 when not clipped. */
  droppedLines: number;
}

/** Payload of TextClipper's `output` event: {@link ClippedText} with the text as `data`. */
export interface TextClipperOutput {
  /** The clipped text, truncation note included; the input text unchanged when not clipped. */
  data: string;
  wasClipped: boolean;
  /** Length of the input text, in UTF-16 code units. */
  originalLength: number;
  /** Lines cut off; 0 when not clipped. */
  droppedLines: number;
}

/**
 * Clips text to `maxLength` by whole lines and appends a note with the number of
 * dropped lines. Texts containing a traceback marker are never clipped when
 * `preserveTracebacks` is on. A payload `maxLength` (number) overrides the config once.
 *
 * Slot `input` → event `output({ data, wasClipped, originalLength, droppedLines })` ({@link TextClipperOutput}).
 *
 * @example
 * flow.addRoutine(new TextClipper({ maxLength: 500 }), 'clip');
 */
@Routine({ name: 'routilux.TextClipper', config: TextClipperConfig })
export class TextClipper extends ConfigurableRoutine {
  constructor(options?: TextClipperConfig) {
    super();
    this.defineEvent('output', ['data', 'wasClipped', 'originalLength', 'droppedLines']);
    this.configure(options);
  }

  /** Clips one text. */
  @Slot('input')
  onInput(data: Record<string, unknown>, _ctx: ExecutionContext): void {
    const text = pickText(data, this.getConfig<string | undefined>('inputKey'));
    const override = data['maxLength'];
    const maxLength = typeof override === 'number' && Number.isInteger(override) && override > 0 ? override : this.getConfig<number>('maxLength', 1000);
    const clipped = clipText(text, {
      maxLength,
      preserveTracebacks: this.getConfig<boolean>('preserveTracebacks', true),
      tracebackMarkers: this.getConfig<string[]>('tracebackMarkers', []),
      truncationMessage: this.getConfig<string>('truncationMessage', ''),
    });
    const payload: TextClipperOutput = { data: clipped.text, wasClipped: clipped.wasClipped, originalLength: clipped.originalLength, droppedLines: clipped.droppedLines };
    this.emit('output', payload);
  }
}

/** The clipping rule of {@link TextClipper}, as a pure function. */
export function clipText(
  text: string,
  options: { maxLength: number; preserveTracebacks: boolean; tracebackMarkers: readonly string[]; truncationMessage: string },
): ClippedText {
  const unclipped = { text, wasClipped: false, originalLength: text.length, droppedLines: 0 };
  if (text.length <= options.maxLength) return unclipped;
  if (options.preserveTracebacks && options.tracebackMarkers.some((m) => m.length > 0 && text.includes(m))) return unclipped;
  const lines = text.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 >= options.maxLength) break;
    kept.push(line);
    used += line.length + 1;
  }
  const dropped = lines.length - kept.length;
  const note = options.truncationMessage.split('{remaining}').join(String(dropped));
  return { text: kept.length > 0 ? `${kept.join('\n')}\n${note}` : note, wasClipped: true, originalLength: text.length, droppedLines: dropped };
}
