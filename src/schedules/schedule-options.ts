import { assertJsonValue, cloneJson, type JsonValue } from '../config/json-value.js';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { assertName, describe, isPlainObject } from '../utils/guards.js';
import { compileCron, type NextInstant } from './cron.js';

/** What a schedule does at a tick while a job it started is still running. */
export type ScheduleOverlap = 'skip' | 'queue' | 'allow';

/** What a schedule does with instants it missed (a late wake-up, or downtime since `lastRunAt`). */
export type ScheduleCatchUp = 'none' | 'one';

/** Options of `runtime.schedule(flowName, options)`. Give exactly one of `cron` and `everyMs`. */
export interface ScheduleOptions {
  /** A cron pattern: 5 fields `minute hour day month weekday`, or 6 with seconds first (croner syntax). */
  readonly cron?: string;
  /** A fixed period in ms (integer ≥ 1000), counted from when the schedule is made; time zones do not apply. */
  readonly everyMs?: number;
  /** The IANA time zone `cron` is read in. @default 'Etc/UTC' */
  readonly timezone?: string;
  /** What each run's entry routine receives in its trigger slot (JSON values; copied per run). @default {} */
  readonly entryParams?: Readonly<Record<string, unknown>>;
  /** The routine whose trigger slot starts each run. @default the flow's only routine with a trigger slot */
  readonly entryRoutineId?: string;
  /**
   * A tick while this schedule's previous job still runs: `'skip'` it, `'queue'` it (it
   * starts when the running job ends, one at a time), or `'allow'` a second job at once.
   */
  readonly overlap: ScheduleOverlap;
  /** Ticks `'queue'` holds at most; a tick beyond counts as skipped. @default 100 */
  readonly maxQueued?: number;
  /**
   * Missed instants: `'one'` runs once, at once, for all of them; `'none'` drops them and
   * waits for the next instant. An instant counts as missed when the schedule wakes more
   * than {@link MISFIRE_GRACE_MS} after it. @default 'one'
   */
  readonly catchUp?: ScheduleCatchUp;
  /**
   * When this schedule last ran before (e.g. before a restart; epoch ms or a Date): instants
   * between it and now count as missed and `catchUp` decides. @default now (nothing missed)
   */
  readonly lastRunAt?: number | Date;
  /** A name for the schedule, unique in its runtime. @default `${flowName}#${n}` */
  readonly id?: string;
}

/** How late (ms) a wake-up may be and still count as the instant's own run. */
export const MISFIRE_GRACE_MS = 1000;

/** Default of {@link ScheduleOptions.maxQueued}. */
export const DEFAULT_MAX_QUEUED = 100;

const KEYS: ReadonlySet<string> = new Set(['cron', 'everyMs', 'timezone', 'entryParams', 'entryRoutineId', 'overlap', 'maxQueued', 'catchUp', 'lastRunAt', 'id']);

/** @internal Checked options of one schedule. */
export interface CheckedSchedule {
  readonly id: string | undefined;
  readonly cron: string | undefined;
  readonly everyMs: number | undefined;
  readonly timezone: string | undefined;
  readonly entryParams: Readonly<Record<string, JsonValue>>;
  readonly entryRoutineId: string | undefined;
  readonly overlap: ScheduleOverlap;
  readonly maxQueued: number;
  readonly catchUp: ScheduleCatchUp;
  readonly lastRunAt: number | undefined;
  /** The next instant of the cron pattern after a time; undefined for `everyMs`. */
  readonly nextCron: NextInstant | undefined;
}

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, message);
}

/** @internal Checks the options of `runtime.schedule`; every mistake is `INVALID_ARGUMENT` saying what to fix. */
export function checkScheduleOptions(flowName: string, options: unknown): CheckedSchedule {
  const where = `runtime.schedule("${flowName}")`;
  if (!isPlainObject(options)) throw bad(`${where}: options must be an object like { cron: '0 * * * *', overlap: 'skip' }; got ${describe(options)}.`);
  for (const key of Object.keys(options)) if (!KEYS.has(key)) throw bad(`${where}: unknown option "${key}"; known options: ${[...KEYS].join(', ')}.`);
  const o = options as unknown as ScheduleOptions;
  if ((o.cron === undefined) === (o.everyMs === undefined)) throw bad(`${where}: give exactly one of cron (a pattern such as '0 * * * *') and everyMs (a period in ms).`);
  if (o.cron !== undefined && (typeof o.cron !== 'string' || o.cron.trim().length === 0)) throw bad(`${where}: cron must be a non-empty pattern string; got ${describe(o.cron)}.`);
  if (o.everyMs !== undefined && (typeof o.everyMs !== 'number' || !Number.isInteger(o.everyMs) || o.everyMs < 1000)) {
    throw bad(`${where}: everyMs must be an integer number of ms >= 1000; got ${describe(o.everyMs)}.`);
  }
  if (o.timezone !== undefined && (typeof o.timezone !== 'string' || o.timezone.length === 0)) throw bad(`${where}: timezone must be an IANA zone name such as 'Europe/Berlin'; got ${describe(o.timezone)}.`);
  if (o.timezone !== undefined && o.cron === undefined) throw bad(`${where}: timezone applies to cron only; an everyMs period is the same in every zone.`);
  if (o.overlap !== 'skip' && o.overlap !== 'queue' && o.overlap !== 'allow') throw bad(`${where}: overlap must be 'skip', 'queue' or 'allow'; got ${describe(o.overlap)}.`);
  if (o.catchUp !== undefined && o.catchUp !== 'none' && o.catchUp !== 'one') throw bad(`${where}: catchUp must be 'none' or 'one'; got ${describe(o.catchUp)}.`);
  if (o.maxQueued !== undefined && (typeof o.maxQueued !== 'number' || !Number.isInteger(o.maxQueued) || o.maxQueued < 1)) throw bad(`${where}: maxQueued must be an integer >= 1; got ${describe(o.maxQueued)}.`);
  if (o.maxQueued !== undefined && o.overlap !== 'queue') throw bad(`${where}: maxQueued applies to overlap 'queue' only.`);
  const params = o.entryParams ?? {};
  if (!isPlainObject(params)) throw bad(`${where}: entryParams must be an object of JSON values; got ${describe(params)}.`);
  try {
    assertJsonValue(params, `${where} entryParams`);
  } catch (error) {
    throw bad(`${where}: entryParams must hold JSON values only (strings, numbers, booleans, null, arrays, plain objects): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (o.entryRoutineId !== undefined) assertName(o.entryRoutineId, `${where} entryRoutineId`);
  if (o.id !== undefined) assertName(o.id, `${where} id`);
  let lastRunAt: number | undefined;
  if (o.lastRunAt !== undefined) {
    lastRunAt = o.lastRunAt instanceof Date ? o.lastRunAt.getTime() : o.lastRunAt;
    if (typeof lastRunAt !== 'number' || !Number.isFinite(lastRunAt)) throw bad(`${where}: lastRunAt must be epoch ms or a valid Date; got ${describe(o.lastRunAt)}.`);
  }
  return Object.freeze({
    id: o.id,
    cron: o.cron,
    everyMs: o.everyMs,
    timezone: o.timezone,
    entryParams: Object.freeze(cloneJson(params as Record<string, JsonValue>)),
    entryRoutineId: o.entryRoutineId,
    overlap: o.overlap,
    maxQueued: o.maxQueued ?? DEFAULT_MAX_QUEUED,
    catchUp: o.catchUp ?? 'one',
    lastRunAt,
    nextCron: o.cron === undefined ? undefined : compileCron(o.cron, o.timezone, where),
  });
}
