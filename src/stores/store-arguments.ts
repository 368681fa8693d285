import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';

/** A job id, owner or flow name given to a store: a non-empty string of at most 512 characters. */
export function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${what} must be a non-empty string of at most 512 characters; got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value}.`, {
      details: { what },
    });
  }
  return value;
}

/** The optional `flow` (registry name) option of `create` / `put`. */
export function checkOptionalFlow(options: { readonly flow?: unknown }): string | undefined {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'Store options must be an object { flow?, fence? }.');
  return options.flow === undefined ? undefined : checkName(options.flow, 'options.flow');
}

/** The arguments of `acquire`: job id, owner and a TTL in ms (a finite number >= 0). */
export function checkLeaseRequest(jobId: unknown, owner: unknown, ttlMs: unknown): void {
  checkName(jobId, 'acquire: jobId');
  checkName(owner, 'acquire: owner');
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `acquire: ttlMs must be a finite number of milliseconds >= 0; got ${String(ttlMs)}.`, { details: { jobId } });
  }
}
