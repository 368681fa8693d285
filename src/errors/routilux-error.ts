import type { ErrorCode } from './error-codes.js';

const ROUTILUX_ERROR = Symbol.for('routilux.error');

/** Options accepted by every routilux error constructor. */
export interface RoutiluxErrorOptions {
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
  /** Structured, JSON-safe facts about the failure (ids, names, limits). */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of every error routilux throws or rejects with. `code` is stable and
 * documented in `docs/errors.md`; the message says what to fix.
 *
 * @example
 * try { flow.connect('a', 'out', 'b', 'nope'); }
 * catch (e) { if (isRoutiluxError(e) && e.code === 'UNKNOWN_SLOT') … }
 */
export class RoutiluxError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Structured facts about the failure. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: RoutiluxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, ROUTILUX_ERROR, { value: true });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true, writable: true });
  }

  /** A JSON-safe view: `{ name, code, message, details }`. */
  toJSON(): { name: string; code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a routilux error, also across two installed copies of the package. */
export function isRoutiluxError(value: unknown): value is RoutiluxError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ROUTILUX_ERROR] === true;
}

/** Bad argument: wrong type, out-of-range number, non-object payload, malformed option. */
export class InvalidArgumentError extends RoutiluxError {}
/** A routine, slot, event or flow definition is wrong (duplicates, unknown endpoints, decorator misuse). */
export class DefinitionError extends RoutiluxError {}
/** A routine configuration failed validation. */
export class ConfigValidationError extends RoutiluxError {}
/** Something went wrong while running a job (no context, timeout, wrong flow, finished job). */
export class ExecutionError extends RoutiluxError {}
/** A flow or job state could not be serialized, parsed, loaded or saved. */
export class SerializationError extends RoutiluxError {}
/** A registry lookup or registration failed (routine types, functions, flows). */
export class RegistryError extends RoutiluxError {}
