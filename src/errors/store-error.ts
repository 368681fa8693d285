import { RoutiluxError } from './routilux-error.js';

/**
 * A durable job store refused or failed an operation: it is locked by another process
 * (`STORE_LOCKED`), holds an unreadable job (`CORRUPT_STATE`, naming the job), is down
 * (`STORE_UNAVAILABLE`) or was written through an outdated lease (`STALE_WRITE`).
 */
export class StoreError extends RoutiluxError {}
