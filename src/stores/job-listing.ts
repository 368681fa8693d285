import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import type { ListJobsQuery, RetentionOptions } from '../ports/job-store.js';
import type { JobStatus } from '../state/job-types.js';

/** Default and largest page size of `listJobs`. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size of `listJobs`. */
export const MAX_PAGE_SIZE = 1000;

const STATUSES: ReadonlySet<string> = new Set(['pending', 'running', 'paused', 'completed', 'failed', 'cancelled']);

/** A job's place in the newest-first order of `listJobs`: creation time, then the store's insertion sequence. */
export interface JobPosition {
  readonly createdAt: string;
  readonly seq: number;
}

/** A checked `listJobs` query. */
export interface CheckedListQuery {
  readonly status?: JobStatus;
  readonly flow?: string;
  readonly limit: number;
  /** List only jobs strictly after this position (newest first). */
  readonly after?: JobPosition;
}

function bad(message: string, path: string): never {
  throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `listJobs: ${message}`, { details: { path } });
}

/** The opaque cursor naming a position: base64url of `[createdAt, seq]`. */
export function encodeJobCursor(position: JobPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.seq]), 'utf8').toString('base64url');
}

/** Reads a cursor written by {@link encodeJobCursor}; anything else is `INVALID_ARGUMENT`. */
export function decodeJobCursor(cursor: string): JobPosition {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return bad(`cursor ${JSON.stringify(cursor.slice(0, 40))} is not a cursor this store returned; pass a page's nextCursor unchanged.`, 'cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || !Number.isSafeInteger(parsed[1])) {
    return bad(`cursor ${JSON.stringify(cursor.slice(0, 40))} is not a cursor this store returned; pass a page's nextCursor unchanged.`, 'cursor');
  }
  return { createdAt: parsed[0], seq: parsed[1] as number };
}

/** Checks a `listJobs` query (status, flow, limit 1–1000, default 50, cursor). */
export function checkListQuery(query: ListJobsQuery = {}): CheckedListQuery {
  if (typeof query !== 'object' || query === null) bad('the query must be an object { status?, flow?, limit?, cursor? }.', '$');
  const { status, flow, limit = DEFAULT_PAGE_SIZE, cursor } = query;
  if (status !== undefined && (typeof status !== 'string' || !STATUSES.has(status))) bad(`status must be one of ${[...STATUSES].join(', ')}; got ${JSON.stringify(status)}.`, 'status');
  if (flow !== undefined && typeof flow !== 'string') bad('flow must be a string.', 'flow');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) bad(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}; got ${String(limit)}.`, 'limit');
  if (cursor !== undefined && typeof cursor !== 'string') bad('cursor must be a string from a previous page.', 'cursor');
  return { ...(status !== undefined ? { status } : {}), ...(flow !== undefined ? { flow } : {}), limit, ...(cursor !== undefined ? { after: decodeJobCursor(cursor) } : {}) };
}

/** Newest-first order: later `createdAt` first, then the higher sequence. */
export function compareNewestFirst(a: JobPosition, b: JobPosition): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return b.seq - a.seq;
}

/** A checked retention: `maxCount` an integer >= 0, `maxAgeMs` a number >= 0. */
export function checkRetention(retention: RetentionOptions | undefined): { readonly maxCount?: number; readonly maxAgeMs?: number } {
  if (retention === undefined) return {};
  const finished = (retention as { finished?: unknown }).finished;
  if (finished === undefined) return {};
  if (typeof finished !== 'object' || finished === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'retention.finished must be an object { maxCount?, maxAgeMs? }.', { details: { path: 'retention.finished' } });
  const { maxCount, maxAgeMs } = finished as { maxCount?: unknown; maxAgeMs?: unknown };
  if (maxCount !== undefined && (!Number.isInteger(maxCount) || (maxCount as number) < 0)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `retention.finished.maxCount must be an integer >= 0; got ${String(maxCount)}.`, { details: { path: 'retention.finished.maxCount' } });
  }
  if (maxAgeMs !== undefined && (typeof maxAgeMs !== 'number' || !(maxAgeMs >= 0))) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `retention.finished.maxAgeMs must be a number >= 0; got ${String(maxAgeMs)}.`, { details: { path: 'retention.finished.maxAgeMs' } });
  }
  return { ...(maxCount !== undefined ? { maxCount: maxCount as number } : {}), ...(maxAgeMs !== undefined ? { maxAgeMs: maxAgeMs as number } : {}) };
}
