import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Routine, Slot, type ExecutionContext } from '../../index.js';
import { ConfigurableRoutine } from '../shared/configurable-routine.js';
import { Check } from '../shared/config-check.js';
import { pickValue } from '../shared/input.js';

const FORMATS = ['iso', 'timestamp', 'locale', 'custom'] as const;
/** Output formats of {@link TimeProvider}. */
export type TimeFormat = (typeof FORMATS)[number];

function localeProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return 'must be a BCP 47 locale such as "en-US"';
  try {
    new Intl.DateTimeFormat(v);
    return undefined;
  } catch {
    return `"${v}" is not a valid locale; use a BCP 47 tag such as "en-US" or "zh-CN"`;
  }
}

function timeZoneProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: String(v) });
    return undefined;
  } catch {
    return `"${String(v)}" is not a valid IANA time zone such as "UTC" or "Europe/Paris"`;
  }
}

/** Configuration of {@link TimeProvider}. */
export class TimeProviderConfig {
  /** Output format; a payload `format` overrides it once. @default 'iso' */
  @IsIn(FORMATS) format?: TimeFormat = 'iso';
  /** Pattern for `'custom'`: YYYY, MM, DD, HH, mm, ss, SSS, dddd (weekday), ZZ (offset). @default 'YYYY-MM-DD HH:mm:ss' */
  @IsString() @MaxLength(200) customFormat?: string = 'YYYY-MM-DD HH:mm:ss';
  /** Locale of `'locale'` output and weekday names. @default 'en-US' */
  @Check(localeProblem) locale?: string = 'en-US';
  /** Includes the weekday in `'locale'` output. @default true */
  @IsBoolean() includeWeekday?: boolean = true;
  /** IANA time zone; default: UTC. */
  @IsOptional() @Check(timeZoneProblem) timeZone?: string;
}

function parts(date: Date, locale: string, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' });
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  out['weekday'] = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long' }).format(date);
  out['ms'] = String(date.getUTCMilliseconds()).padStart(3, '0');
  const offset = (out['timeZoneName'] ?? 'GMT').replace('GMT', '');
  out['offset'] = offset === '' ? '+00:00' : offset;
  return out;
}

/** Formats `date` with a token pattern (YYYY MM DD HH mm ss SSS dddd ZZ); other text is kept. */
export function formatTime(date: Date, pattern: string, locale = 'en-US', timeZone = 'UTC'): string {
  const p = parts(date, locale, timeZone);
  const tokens: Record<string, string> = {
    YYYY: p['year']!, MM: p['month']!, DD: p['day']!, HH: p['hour']!, mm: p['minute']!, ss: p['second']!, SSS: p['ms']!, dddd: p['weekday']!, ZZ: p['offset']!,
  };
  return pattern.replace(/YYYY|SSS|dddd|MM|DD|HH|mm|ss|ZZ/g, (t) => tokens[t] ?? t);
}

/** Payload of TimeProvider's `output` event. */
export interface TimeProviderOutput {
  /** The time in the chosen format (for `'timestamp'`, the milliseconds as a decimal string). */
  data: string;
  /** Milliseconds since the epoch on the flow's clock. */
  timestamp: number;
  /** The same instant as ISO 8601 in UTC (`2024-01-01T00:00:00.000Z`). */
  iso: string;
  /** The format used. */
  format: TimeFormat;
}

/**
 * Provides the current time of the flow's clock (so tests can pin it) as ISO text, a
 * millisecond timestamp, locale-formatted text or a custom pattern.
 *
 * Slot `input` (the input value may carry `format`) → event `output({ data, timestamp, iso, format })`
 * ({@link TimeProviderOutput}; `data` is the formatted time).
 *
 * @example
 * new TimeProvider({ format: 'custom', customFormat: 'YYYY/MM/DD' })
 */
@Routine({ name: 'routilux.TimeProvider', config: TimeProviderConfig })
export class TimeProvider extends ConfigurableRoutine {
  constructor(options?: TimeProviderConfig) {
    super();
    this.defineEvent('output', ['data', 'timestamp', 'iso', 'format']);
    this.configure(options);
  }

  /** Emits the current time. */
  @Slot('input')
  onInput(payload: Record<string, unknown>, ctx: ExecutionContext): void {
    const value = pickValue(payload, undefined);
    const requested = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['format'] : undefined;
    const format: TimeFormat = (FORMATS as readonly unknown[]).includes(requested) ? (requested as TimeFormat) : this.getConfig<TimeFormat>('format', 'iso');
    const timestamp = ctx.flow.clock.now();
    const date = new Date(timestamp);
    const locale = this.getConfig<string>('locale', 'en-US');
    const timeZone = this.getConfig<string>('timeZone', 'UTC');
    let time: string;
    if (format === 'timestamp') time = String(timestamp);
    else if (format === 'custom') time = formatTime(date, this.getConfig<string>('customFormat', 'YYYY-MM-DD HH:mm:ss'), locale, timeZone);
    else if (format === 'locale') {
      time = new Intl.DateTimeFormat(locale, {
        timeZone, year: 'numeric', month: 'long', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
        ...(this.getConfig<boolean>('includeWeekday', true) ? { weekday: 'long' as const } : {}),
      }).format(date);
    } else time = date.toISOString();
    this.emit('output', { data: time, timestamp, iso: date.toISOString(), format } satisfies TimeProviderOutput);
  }
}
