import { isIP } from 'node:net';
import { ErrorCode, FlowRegistry, InvalidArgumentError, Runtime, type JobStore } from '../index.js';

/** A logger with pino's interface (pino itself, or anything shaped like it). */
export interface PinoCompatibleLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
  trace(...args: unknown[]): void;
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): PinoCompatibleLogger;
  level?: string;
}

/** Options of {@link createServer}. Durations in milliseconds. */
export interface ServerOptions {
  /** The runtime whose jobs the API drives. @default a new Runtime the server owns (and shuts down on close) */
  runtime?: Runtime;
  /** Where flow names are looked up; must be the runtime's own. @default the runtime's registry */
  registry?: FlowRegistry;
  /**
   * A durable store: flow documents registered over HTTP are kept there and come back on
   * `listen()`; the server's own runtime (no `runtime` given) commits its jobs there too, and
   * `listen()` recovers the unfinished ones (`runtime.recover()`).
   */
  store?: JobStore;
  /** Accepted API keys. @default ROUTILUX_API_KEYS split on "," */
  apiKeys?: readonly string[];
  /** Require an API key on every route but `GET /health`. `false` only on a loopback host. @default true */
  auth?: boolean;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8080 */
  port?: number;
  /** Origins allowed to call the API from a browser (exact matches; never `*`). @default none */
  cors?: { origins: readonly string[] };
  /** Requests per key (or per client address without valid credentials) per window; `false` turns limiting off. @default { max: 600, timeWindow: 60000 } */
  rateLimit?: { max?: number; timeWindow?: number } | false;
  /** Largest request body in bytes. @default 1048576 */
  bodyLimit?: number;
  /** Honour `X-Forwarded-For` (only behind a proxy you control). @default false */
  trustProxy?: boolean;
  /** WebSocket ping interval; a peer silent for two intervals is dropped. @default 30000 */
  wsPingIntervalMs?: number;
  /** Lifetime of a WebSocket ticket. @default 30000 */
  ticketTtlMs?: number;
  /** Serve the dashboard at `/` when it is built. @default true */
  dashboard?: boolean;
  /** A pino-compatible logger, or false for none. @default false */
  logger?: false | PinoCompatibleLogger;
}

/** @internal options after defaults and checks */
export interface ResolvedOptions {
  readonly runtime: Runtime;
  readonly ownsRuntime: boolean;
  readonly registry: FlowRegistry;
  readonly store: JobStore | undefined;
  readonly apiKeys: readonly string[];
  readonly auth: boolean;
  readonly host: string;
  readonly port: number;
  readonly corsOrigins: readonly string[];
  readonly rateLimit: { readonly max: number; readonly timeWindow: number } | false;
  readonly bodyLimit: number;
  readonly trustProxy: boolean;
  readonly wsPingIntervalMs: number;
  readonly ticketTtlMs: number;
  readonly dashboard: boolean;
  readonly logger: false | PinoCompatibleLogger;
}

const KEYS = ['runtime', 'registry', 'store', 'apiKeys', 'auth', 'host', 'port', 'cors', 'rateLimit', 'bodyLimit', 'trustProxy', 'wsPingIntervalMs', 'ticketTtlMs', 'dashboard', 'logger'];
const LOGGER_METHODS = ['info', 'warn', 'error', 'debug', 'fatal', 'trace', 'child'] as const;

function bad(message: string, details: Record<string, unknown> = {}): InvalidArgumentError {
  return new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, message, { details });
}

function closedObject(value: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${what} must be an object; got ${value === null ? 'null' : typeof value}.`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined && !allowed.includes(key)) throw bad(`${what}: unknown option "${key}"; known options: ${allowed.join(', ')}.`, { option: key });
  }
  return record;
}

function int(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`${what} must be an integer from ${min} to ${max}; got ${typeof value === 'number' ? String(value) : typeof value}.`, { option: what });
  }
  return value;
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw bad(`${what} must be true or false; got ${typeof value}.`, { option: what });
  return value;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. @internal */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Keys from `ROUTILUX_API_KEYS`: split on ",", trimmed, empty entries ignored. @internal */
export function keysFromEnv(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((k) => k.trim()).filter((k) => k.length > 0);
}

/** The lease owner of a server's own runtime. @internal */
export const SERVER_OWNER = 'routilux-server';

/** Checks `createServer` options (closed, typed) and fills the defaults. @internal */
export function resolveOptions(input: unknown): ResolvedOptions {
  const o = closedObject(input ?? {}, KEYS, 'createServer options');
  if (o.runtime !== undefined && !(o.runtime instanceof Runtime)) throw bad('createServer runtime must be a Runtime.', { option: 'runtime' });
  if (o.registry !== undefined && !(o.registry instanceof FlowRegistry)) throw bad('createServer registry must be a FlowRegistry.', { option: 'registry' });
  const given = o.runtime as Runtime | undefined;
  if (given !== undefined && o.registry !== undefined && o.registry !== given.flowRegistry) {
    throw bad("createServer registry must be the runtime's own registry (new Runtime({ registry })); the API would otherwise register flows the runtime cannot run.", { option: 'registry' });
  }
  const store = o.store as JobStore | undefined;
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.putFlow !== 'function' || typeof store.listFlows !== 'function')) {
    throw bad('createServer store must implement the JobStore port (putFlow, deleteFlow, listFlows, …).', { option: 'store' });
  }
  const auth = o.auth === undefined ? true : bool(o.auth, 'auth');
  const host = o.host === undefined ? '127.0.0.1' : o.host;
  if (typeof host !== 'string' || host.length === 0) throw bad('createServer host must be a non-empty string such as "127.0.0.1".', { option: 'host' });
  let apiKeys: string[];
  const listed: unknown = o.apiKeys;
  if (listed !== undefined) {
    if (!Array.isArray(listed) || !listed.every((k) => typeof k === 'string' && k.trim().length > 0)) {
      throw bad('createServer apiKeys must be an array of non-empty strings.', { option: 'apiKeys' });
    }
    apiKeys = (listed as string[]).map((k) => k.trim());
  } else apiKeys = keysFromEnv(process.env.ROUTILUX_API_KEYS);
  if (auth && apiKeys.length === 0) {
    throw bad('Auth is on but no API key is configured: pass apiKeys to createServer or set ROUTILUX_API_KEYS (comma-separated). The server refuses to start rather than reject every request.', { option: 'apiKeys' });
  }
  if (!auth && !isLoopbackHost(host)) {
    throw bad(`auth: false is allowed only on a loopback host (127.0.0.1, ::1, localhost); got host "${host}". Configure apiKeys to listen on other interfaces.`, { option: 'auth', host });
  }
  let corsOrigins: string[] = [];
  if (o.cors !== undefined) {
    const c = closedObject(o.cors, ['origins'], 'createServer cors');
    if (!Array.isArray(c.origins) || c.origins.some((x) => typeof x !== 'string' || x === '*' || !/^https?:\/\/[^/\s]+$/.test(x))) {
      throw bad('createServer cors.origins must be an array of origins such as "https://app.example.com" (scheme and host, no path; "*" is not allowed).', { option: 'cors' });
    }
    corsOrigins = [...(c.origins as string[])];
  }
  let rateLimit: ResolvedOptions['rateLimit'] = { max: 600, timeWindow: 60_000 };
  if (o.rateLimit === false) rateLimit = false;
  else if (o.rateLimit !== undefined) {
    const r = closedObject(o.rateLimit, ['max', 'timeWindow'], 'createServer rateLimit');
    rateLimit = {
      max: r.max === undefined ? 600 : int(r.max, 'rateLimit.max', 1, 1_000_000_000),
      timeWindow: r.timeWindow === undefined ? 60_000 : int(r.timeWindow, 'rateLimit.timeWindow', 1, 86_400_000),
    };
  }
  const logger = o.logger ?? false;
  if (logger !== false && (typeof logger !== 'object' || logger === null || LOGGER_METHODS.some((m) => typeof (logger as Record<string, unknown>)[m] !== 'function'))) {
    throw bad(`createServer logger must be false or a pino-compatible logger (methods ${LOGGER_METHODS.join(', ')}).`, { option: 'logger' });
  }
  const port = o.port === undefined ? 8080 : int(o.port, 'port', 0, 65_535);
  const bodyLimit = o.bodyLimit === undefined ? 1_048_576 : int(o.bodyLimit, 'bodyLimit', 1, 1_073_741_824);
  const trustProxy = o.trustProxy === undefined ? false : bool(o.trustProxy, 'trustProxy');
  const wsPingIntervalMs = o.wsPingIntervalMs === undefined ? 30_000 : int(o.wsPingIntervalMs, 'wsPingIntervalMs', 10, 3_600_000);
  const ticketTtlMs = o.ticketTtlMs === undefined ? 30_000 : int(o.ticketTtlMs, 'ticketTtlMs', 1, 3_600_000);
  const dashboard = o.dashboard === undefined ? true : bool(o.dashboard, 'dashboard');
  // created last, so a bad option never leaves a runtime behind
  // with a store, the server's own runtime commits its jobs there and recovers them on listen();
  // its lease owner is fixed, so a restarted server takes its jobs back at once
  const runtime =
    given ??
    new Runtime({ ...(o.registry !== undefined ? { registry: o.registry as FlowRegistry } : {}), ...(store !== undefined ? { store, owner: SERVER_OWNER } : {}) });
  return {
    runtime,
    ownsRuntime: given === undefined,
    registry: runtime.flowRegistry,
    store,
    apiKeys,
    auth,
    host,
    port,
    corsOrigins,
    rateLimit,
    bodyLimit,
    trustProxy,
    wsPingIntervalMs,
    ticketTtlMs,
    dashboard,
    logger: logger as false | PinoCompatibleLogger,
  };
}
