import { ErrorCode, RoutiluxError, isRoutiluxError } from '../index.js';

/** HTTP status of each code the API answers with; anything not listed is a 400 if it is a routilux error. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  UNKNOWN_FLOW: 404,
  UNKNOWN_JOB: 404,
  UNKNOWN_BREAKPOINT: 404,
  UNKNOWN_ROUTE: 404,
  JOB_FINISHED: 409,
  NOT_PAUSED: 409,
  DUPLICATE_FLOW_NAME: 409,
  FLOW_IN_USE: 409,
  QUEUE_FULL: 409,
  INVALID_STATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_MISMATCH: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  STORE_UNAVAILABLE: 503,
};

/** The wire shape of every error the API answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** A routilux error carrying the HTTP status it is answered with. @internal */
export class HttpError extends RoutiluxError {
  readonly statusCode: number;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, status?: number) {
    super(code, message, details === undefined ? {} : { details });
    this.statusCode = status ?? STATUS[code] ?? 400;
  }
}

/** Status for a routilux error code. @internal */
export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

/** `{ error: { code, message, details? } }` — details only when there are some. @internal */
export function errorBody(code: string, message: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  const error: ErrorBody['error'] = { code, message };
  if (details !== undefined && Object.keys(details).length > 0) error.details = { ...details };
  return { error };
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: ReadonlyArray<{ instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> }>;
  validationContext?: string;
}

/** JSON Pointer of one Ajv issue (a missing or unknown key at its own path). */
function issuePath(issue: { instancePath?: string; keyword?: string; params?: Record<string, unknown> }): string {
  const base = issue.instancePath ?? '';
  const key = issue.keyword === 'required' ? issue.params?.missingProperty : issue.keyword === 'additionalProperties' ? issue.params?.additionalProperty : undefined;
  return typeof key === 'string' ? `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` : base;
}

/**
 * Turns anything thrown while answering a request into a status and a safe body: no
 * stack, file path or class name ever reaches the client. @internal
 */
export function toHttpError(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (isRoutiluxError(error)) {
    const status = error instanceof HttpError ? error.statusCode : statusOf(error.code);
    return { status, body: errorBody(error.code, error.message, error.details), unexpected: status >= 500 && error.code === 'INTERNAL_ERROR' };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'request';
    const issues = e.validation.map((i) => ({ path: issuePath(i), message: `${i.message ?? 'is invalid'}${i.keyword === 'additionalProperties' ? ' (unknown key)' : ''}` }));
    return { status: 400, body: errorBody('INVALID_ARGUMENT', `The request ${where} does not match the route's schema: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}.`, { in: where, issues }), unexpected: false };
  }
  const message = typeof e.message === 'string' ? e.message : '';
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', 'The request body is over the server\'s bodyLimit; send less data per request.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { status: 415, body: errorBody('UNSUPPORTED_MEDIA_TYPE', 'This route takes a JSON body: send Content-Type: application/json.'), unexpected: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('INVALID_FORMAT', 'The body is empty but Content-Type says JSON; send a JSON document or no Content-Type.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('INVALID_ARGUMENT', 'Content-Length does not match the body that was sent.'), unexpected: false };
    default:
      break;
  }
  if (error instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    if (/forbidden (prototype|constructor) property/i.test(message)) {
      return { status: 400, body: errorBody('FORBIDDEN_KEY', 'The body contains a "__proto__", "constructor" or "prototype" key; such keys are refused because they could alter object prototypes.'), unexpected: false };
    }
    return { status: 400, body: errorBody('INVALID_FORMAT', 'The body is not valid JSON; check quoting, commas and brackets.'), unexpected: false };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return { status, body: errorBody('INVALID_ARGUMENT', 'The request is malformed.'), unexpected: false };
  return { status: 500, body: errorBody('INTERNAL_ERROR', 'The server failed unexpectedly while answering; the server log has the details.'), unexpected: true };
}
