import type { ConnectionOptions } from 'bullmq';
import { ErrorCode, InvalidArgumentError } from '../index.js';

/** Where the distributed runtime and its workers reach Redis: a `redis://` URL or host options. */
export type DistributedConnection =
  | string
  | {
      readonly host?: string;
      readonly port?: number;
      readonly username?: string;
      readonly password?: string;
      readonly db?: number;
    };

const OPTION_KEYS = new Set(['host', 'port', 'username', 'password', 'db']);

/** Checks a {@link DistributedConnection} and returns it as plain host options. */
export function checkConnection(connection: unknown, where: string): { host: string; port: number; username?: string; password?: string; db?: number } {
  if (typeof connection === 'string') {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      url = new URL('invalid://');
    }
    if (url.protocol !== 'redis:') {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: connection ${JSON.stringify(connection.slice(0, 60))} is not a redis:// URL (e.g. redis://127.0.0.1:6379/0).`, { details: { path: 'connection' } });
    }
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port === '' ? 6379 : Number(url.port),
      ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
      ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    };
  }
  if (typeof connection !== 'object' || connection === null) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} needs { connection }: a redis:// URL or { host, port, username?, password?, db? }.`, { details: { path: 'connection' } });
  }
  const c = connection as Record<string, unknown>;
  const unknown = Object.keys(c).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: unknown connection option(s) ${unknown.join(', ')}; allowed: ${[...OPTION_KEYS].join(', ')}.`, { details: { path: 'connection' } });
  }
  const port = c['port'] ?? 6379;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: connection.port must be an integer 1-65535; got ${String(port)}.`, { details: { path: 'connection.port' } });
  }
  for (const k of ['host', 'username', 'password'] as const) {
    if (c[k] !== undefined && typeof c[k] !== 'string') throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: connection.${k} must be a string.`, { details: { path: `connection.${k}` } });
  }
  if (c['db'] !== undefined && (typeof c['db'] !== 'number' || !Number.isInteger(c['db']) || c['db'] < 0)) {
    throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${where}: connection.db must be an integer >= 0.`, { details: { path: 'connection.db' } });
  }
  return {
    host: (c['host'] as string | undefined) ?? '127.0.0.1',
    port,
    ...(c['username'] !== undefined ? { username: c['username'] as string } : {}),
    ...(c['password'] !== undefined ? { password: c['password'] as string } : {}),
    ...(c['db'] !== undefined ? { db: c['db'] as number } : {}),
  };
}

/** The BullMQ connection options for checked host options (BullMQ's blocking clients need `maxRetriesPerRequest: null`). */
export function bullConnection(options: ReturnType<typeof checkConnection>): ConnectionOptions {
  return { ...options, maxRetriesPerRequest: null };
}
