import { ErrorCode } from '../../index.js';
import { CliExitError, EXIT } from '../exit-codes.js';

/** Where a client command sends its requests and with which key. */
export interface ClientTarget {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080` (the `/api/v1` prefix is added). */
  readonly server: string;
  /** API key sent as `Authorization: Bearer`; none sends no credentials. */
  readonly apiKey: string | undefined;
}

/** Default server address when neither `--server` nor `ROUTILUX_SERVER` is given. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';
const CODES = new Set<string>(Object.values(ErrorCode));

function baseUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliExitError(ErrorCode.INVALID_ARGUMENT, `--server must be an http(s) URL such as ${DEFAULT_SERVER}; got "${server}".`, EXIT.USAGE, { server });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliExitError(ErrorCode.INVALID_ARGUMENT, `--server must be an http(s) URL such as ${DEFAULT_SERVER}; got "${server}".`, EXIT.USAGE, { server });
  }
  return url;
}

function unreachable(url: string, why: string): CliExitError {
  return new CliExitError(ErrorCode.SERVER_UNREACHABLE, `Cannot reach the routilux server at ${url}: ${why}. Start it with "routilux serve", or pass --server (or set ROUTILUX_SERVER).`, EXIT.SERVER, { url });
}

/** The reason of a failed fetch, from undici's `cause` chain (e.g. ECONNREFUSED). */
function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  if (cause !== undefined && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends one request to the API (`/api/v1` + `path`) and resolves with the JSON body of a
 * 2xx answer. A 4xx answer is a CliExitError with the server's code and message (exit 2);
 * a 5xx answer, an unreachable server or a body that is not JSON is exit 3.
 */
export async function apiRequest(target: ClientTarget, method: 'GET' | 'POST', path: string, options: { body?: unknown; timeoutMs: number }): Promise<unknown> {
  const base = baseUrl(target.server);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1${path}`, base).href;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.apiKey !== undefined) headers['authorization'] = `Bearer ${target.apiKey}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, { method, headers, signal: AbortSignal.timeout(options.timeoutMs), ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  } catch (error) {
    throw unreachable(base.origin, reason(error));
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw unreachable(base.origin, reason(error));
  }
  let body: unknown;
  try {
    body = text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw unreachable(base.origin, `it answered ${response.status} with a body that is not JSON (is ${base.origin} a routilux server?)`);
  }
  if (response.ok) return body;
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' && CODES.has(error.code) ? (error.code as ErrorCode) : ErrorCode.INTERNAL_ERROR;
  const message = typeof error?.message === 'string' ? error.message : `the server answered ${response.status}`;
  const details = typeof error?.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {};
  throw new CliExitError(code, message, response.status >= 500 ? EXIT.SERVER : EXIT.USAGE, { ...details, status: response.status });
}
