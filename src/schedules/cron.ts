import { Cron } from 'croner';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';

/** The next instant strictly after `after` (epoch ms), or undefined when there is none. */
export type NextInstant = (after: number) => number | undefined;

/**
 * @internal Compiles a cron pattern (5 fields, or 6 with seconds first) in an IANA time
 * zone (default UTC) with croner, used only to compute instants: croner sets no timer here,
 * the scheduler does on its Clock. A bad pattern or zone → `INVALID_ARGUMENT`.
 */
export function compileCron(pattern: string, timezone: string | undefined, where: string): NextInstant {
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone: timezone ?? 'Etc/UTC', paused: true });
    cron.nextRun(new Date(0)); // a bad zone only shows when a date is converted
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      `${where}: cron ${JSON.stringify(pattern)}${timezone === undefined ? '' : ` in time zone ${JSON.stringify(timezone)}`} is not valid (${reason}); use 5 fields "minute hour day month weekday" (or 6 with seconds first) and an IANA zone such as "Europe/Berlin".`,
      { details: { cron: pattern, ...(timezone === undefined ? {} : { timezone }) } },
    );
  }
  return (after: number): number | undefined => cron.nextRun(new Date(after))?.getTime();
}
