import type { JobState } from '../index.js';
import { HttpError } from './http-errors.js';

/** A position in the newest-first order: creation time, then job id. @internal */
export interface Cursor {
  readonly t: number;
  readonly id: string;
}

/** Opaque cursor text of the position just after `job`. @internal */
export function encodeCursor(job: JobState): string {
  return Buffer.from(JSON.stringify({ t: job.createdAt.getTime(), id: job.jobId })).toString('base64url');
}

/** Parses a cursor; anything else is 400 INVALID_ARGUMENT. @internal */
export function decodeCursor(text: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const c = value as Partial<Cursor> | undefined;
  if (typeof c !== 'object' || c === null || typeof c.t !== 'number' || !Number.isFinite(c.t) || typeof c.id !== 'string' || Object.keys(c).length !== 2) {
    throw new HttpError('INVALID_ARGUMENT', 'The cursor is not one this server issued; pass the nextCursor of the previous page unchanged.', { issues: [{ path: '/cursor', message: 'is not a valid cursor' }] });
  }
  return { t: c.t, id: c.id };
}

/** Newest first (creation time descending, then job id descending). */
function before(a: { t: number; id: string }, b: { t: number; id: string }): boolean {
  return a.t > b.t || (a.t === b.t && a.id > b.id);
}

/** One page of `jobs` in newest-first order, strictly after `after`. @internal */
export function newestFirst(jobs: readonly JobState[], after: Cursor | undefined, limit: number): { items: JobState[]; more: boolean } {
  const keyed = jobs.map((job) => ({ job, t: job.createdAt.getTime(), id: job.jobId }));
  const rest = after === undefined ? keyed : keyed.filter((k) => before(after, k));
  rest.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return { items: rest.slice(0, limit).map((k) => k.job), more: rest.length > limit };
}
