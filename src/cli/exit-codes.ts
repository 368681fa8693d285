import { ErrorCode, InvalidArgumentError, isRoutiluxError } from '../index.js';

/** Exit codes of the `routilux` bin (services.md §4). */
export const EXIT = Object.freeze({
  /** Success. */
  OK: 0,
  /** The job did not end `completed` (paused included), or validation found errors. */
  FAILED: 1,
  /** Bad usage or unreadable input: a missing file, a parse error, an unknown routine type, a bad --import. */
  USAGE: 2,
  /** A server could not be reached or answered 5xx. */
  SERVER: 3,
});

/** An error that carries the exit code it asks for (commands use it for outcomes that are not bad input). */
export class CliExitError extends InvalidArgumentError {
  /** The process exit code. */
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode: number, details: Record<string, unknown> = {}) {
    super(code, message, { details });
    this.exitCode = exitCode;
  }
}

/** The code and exit code of anything a command threw. */
export function describeFailure(error: unknown): { code: string; message: string; details?: Readonly<Record<string, unknown>>; exitCode: number } {
  if (error instanceof CliExitError) return { code: error.code, message: error.message, details: error.details, exitCode: error.exitCode };
  if (isRoutiluxError(error)) {
    const details = Object.keys(error.details).length > 0 ? { details: error.details } : {};
    return { code: error.code, message: error.message, ...details, exitCode: EXIT.USAGE };
  }
  // Not a routilux error: a defect, reported as such (docs/cli.md, "Exit codes").
  return { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error), exitCode: EXIT.FAILED };
}
