import { ErrorCode, InvalidArgumentError } from '../../index.js';

/** Options of `RoutiluxHttpModule.forRoot`: those of `createServer` that make sense inside a Nest app. */
export interface RoutiluxHttpOptions {
  /** Path the API is mounted under, without slashes at the ends. @default 'api/v1' */
  prefix?: string;
  /** Accepted API keys. @default ROUTILUX_API_KEYS split on "," */
  apiKeys?: readonly string[];
  /** Require an API key on every route. `false` serves only requests that arrive on a loopback address. @default true */
  auth?: boolean;
  /** Requests per key (or client address) per window, or false. @default { max: 600, timeWindow: 60000 } */
  rateLimit?: { max?: number; timeWindow?: number } | false;
  /** Origins allowed to call the API from a browser. @default none */
  cors?: { origins: readonly string[] };
}

/** @internal the options after checks */
export interface ResolvedHttpOptions {
  readonly prefix: string;
  readonly rest: Omit<RoutiluxHttpOptions, 'prefix'>;
}

const KEYS = ['prefix', 'apiKeys', 'auth', 'rateLimit', 'cors'];

/** Checks `forRoot` options; the server-level ones are checked again by `createServer`. @internal */
export function resolveHttpOptions(input: unknown): ResolvedHttpOptions {
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutiluxHttpModule.forRoot options must be an object like { prefix: "api/v1", apiKeys: [...] }.');
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (o[key] !== undefined && !KEYS.includes(key)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `RoutiluxHttpModule.forRoot: unknown option "${key}"; known options: ${KEYS.join(', ')}.`, { details: { option: key } });
    }
  }
  const prefix = o.prefix === undefined ? 'api/v1' : o.prefix;
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, 'RoutiluxHttpModule.forRoot prefix must be a path such as "api/v1" (letters, digits, "-", "_", separated by "/", no slash at either end).', { details: { option: 'prefix' } });
  }
  const { prefix: _omit, ...rest } = o as RoutiluxHttpOptions;
  return { prefix, rest };
}
