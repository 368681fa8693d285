import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, StoreError, isRoutiluxError } from '../index.js';
import { corrupt } from './document-rows.js';
import { migrate } from './schema.js';

/** SQLite's `synchronous` setting the store runs with. */
export type SqliteSynchronous = 'full' | 'normal';

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Turns a failure into the store's typed errors: routilux errors pass through; SQLite's
 * busy/locked → `STORE_LOCKED`; a corrupt page while reading job `jobId` → `CORRUPT_STATE`
 * naming it; any other SQLite failure (I/O, full disk, read-only file) → `STORE_UNAVAILABLE`.
 * Anything else is a bug and is rethrown unchanged.
 */
export function storeError(error: unknown, path: string, jobId?: string): unknown {
  if (isRoutiluxError(error)) return error;
  const code = sqliteCode(error);
  if (!code.startsWith('SQLITE_')) return error;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(ErrorCode.STORE_LOCKED, `SQLite store ${path} is locked by another process (or another store in this process); run one writer per store file.`, { cause: error, details: { path } });
  }
  if ((code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') && jobId !== undefined) return corrupt(jobId, `SQLite reports ${code} while reading it`, error);
  return new StoreError(ErrorCode.STORE_UNAVAILABLE, `SQLite store ${path} failed (${code}: ${(error as Error).message}); the write did not happen. Check the disk (space, permissions) and retry.`, {
    cause: error,
    details: { path, sqliteCode: code },
  });
}

/**
 * Opens (or creates) the store file: exclusive locking mode and WAL, the chosen
 * `synchronous`, incremental auto-vacuum, the schema migrated to the current version, and
 * the write lock taken at once, so a second opener fails fast with `STORE_LOCKED` instead
 * of waiting. The operating system drops the lock when the holding process dies.
 */
export function openDatabase(path: string, synchronous: SqliteSynchronous): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('auto_vacuum = INCREMENTAL');
    const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (path !== ':memory:' && mode !== 'wal') {
      throw new StoreError(ErrorCode.STORE_UNAVAILABLE, `SQLite store ${path}: WAL mode could not be enabled (got ${mode}); use a local file system.`, { details: { path } });
    }
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    migrate(db, path);
    db.exec('BEGIN IMMEDIATE; COMMIT');
    return db;
  } catch (error) {
    db?.close();
    const code = sqliteCode(error);
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new StoreError(ErrorCode.CORRUPT_STATE, `SQLite store ${path} is not a readable SQLite database (${code}); restore it from a backup or point the store at another file.`, { cause: error, details: { path } });
    }
    if (/^E[A-Z]+$/.test(code)) {
      throw new StoreError(ErrorCode.STORE_UNAVAILABLE, `SQLite store ${path} cannot be opened (${code}: ${(error as Error).message}); check the path and its permissions.`, { cause: error, details: { path } });
    }
    throw storeError(error, path);
  }
}
