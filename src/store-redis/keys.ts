import { ErrorCode, InvalidArgumentError } from '../index.js';

// Key layout (docs/distributed.md): every key starts with `<prefix>:`; a job's keys start
// with `<prefix>:job:<byte length of the id>:<id>`, so no id can reach another job's keys.

const PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;
/** Offset that makes every valid epoch-millisecond value non-negative (±8.64e15 is the Date range). */
const MS_OFFSET = 8_640_000_000_000_000;

/** Checks a key prefix: 1–64 characters of `A–Z a–z 0–9 _ . -` (no `:`, so prefixes never overlap). */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `RedisJobStore: prefix must be 1-64 characters of letters, digits, '_', '.' or '-' (no ':'); got ${JSON.stringify(prefix)}.`, {
      details: { path: 'prefix' },
    });
  }
  return prefix;
}

/** The head key of job `jobId`; its other keys are this key plus a suffix (`:meta`, `:done`, `:lease`, `:fence`, `:m:<field>`, `:l:<field>`). */
export function jobKey(prefix: string, jobId: string): string {
  return `${prefix}:job:${Buffer.byteLength(jobId, 'utf8')}:${jobId}`;
}

/** The sort key of a creation time in the listing indexes: its UTF-8 bytes as hex (byte order kept, no separator inside). */
export function createdKey(createdAt: string): string {
  return Buffer.from(createdAt, 'utf8').toString('hex');
}

/** The sort key of an update time in the retention index: epoch ms, offset and zero-padded to 17 digits. */
export function updatedKey(updatedAt: string): string {
  return updatedKeyOfMs(Date.parse(updatedAt));
}

/** {@link updatedKey} of an epoch-millisecond value. */
export function updatedKeyOfMs(ms: number): string {
  return String(Math.floor(ms) + MS_OFFSET).padStart(17, '0');
}

/** A listing index member's position: `<createdKey>.<seq, 16 digits>` (the job id follows). */
export function listPosition(createdAt: string, seq: number): string {
  return `${createdKey(createdAt)}.${String(seq).padStart(16, '0')}`;
}

/** Splits a listing index member into its sequence number and job id. */
export function parseListMember(member: string): { readonly seq: number; readonly jobId: string } {
  const dot = member.indexOf('.');
  return { seq: Number(member.slice(dot + 1, dot + 17)), jobId: member.slice(dot + 18) };
}

/** Splits a retention index member into its job id. */
export function parseFinishedMember(member: string): string {
  return member.slice(17 + 1 + 16 + 1);
}
