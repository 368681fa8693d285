import type Database from 'better-sqlite3';
import { ErrorCode, SerializationError } from '../index.js';
import { checksum } from './checksum.js';

/** The schema version this code reads and writes. */
export const SQLITE_SCHEMA_VERSION = 2;

/** One step of the migration chain: brings a store from `to - 1` to `to`. */
export interface Migration {
  readonly to: number;
  readonly up: (db: Database.Database) => void;
}

/**
 * Version 1: the job head (the document without its maps, lists and pending tasks) in
 * `jobs`, keyed-map entries in `job_maps`, list items in `job_lists`, pending tasks in
 * `job_tasks`, the idempotency keys of applied commits in `job_commits`, leases with their
 * fence in `job_leases`, flow documents in `flows`.
 */
function createVersion1(db: Database.Database): void {
  db.exec(`
    CREATE TABLE jobs (
      seq INTEGER PRIMARY KEY,
      job_id TEXT NOT NULL UNIQUE,
      flow_id TEXT NOT NULL,
      flow TEXT,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_ms INTEGER NOT NULL,
      next_pos INTEGER NOT NULL,
      next_ord INTEGER NOT NULL,
      head TEXT NOT NULL
    );
    CREATE INDEX jobs_by_created ON jobs (created_at DESC, seq DESC);
    CREATE INDEX jobs_by_status ON jobs (status, updated_ms);
    CREATE TABLE job_maps (job_id TEXT NOT NULL, field TEXT NOT NULL, key TEXT NOT NULL, ord INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, field, key)) WITHOUT ROWID;
    CREATE TABLE job_lists (job_id TEXT NOT NULL, field TEXT NOT NULL, idx INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, field, idx)) WITHOUT ROWID;
    CREATE TABLE job_tasks (job_id TEXT NOT NULL, task_id TEXT NOT NULL, pos INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, task_id)) WITHOUT ROWID;
    CREATE TABLE job_commits (job_id TEXT NOT NULL, task_id TEXT NOT NULL, attempt INTEGER NOT NULL, PRIMARY KEY (job_id, task_id, attempt)) WITHOUT ROWID;
    CREATE TABLE job_leases (job_id TEXT PRIMARY KEY, owner TEXT, fence INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE flows (name TEXT PRIMARY KEY, document TEXT NOT NULL) WITHOUT ROWID;
  `);
}

/** Version 2: a checksum beside every stored JSON text (computed for the rows of version 1). */
function addChecksums(db: Database.Database): void {
  for (const [table, column, key] of [
    ['jobs', 'head', 'seq'],
    ['job_maps', 'value', 'job_id, field, key'],
    ['job_lists', 'value', 'job_id, field, idx'],
    ['job_tasks', 'value', 'job_id, task_id'],
    ['flows', 'document', 'name'],
  ] as const) {
    db.exec(`ALTER TABLE ${table} ADD COLUMN crc INTEGER NOT NULL DEFAULT 0`);
    const keys = key.split(', ');
    const update = db.prepare(`UPDATE ${table} SET crc = ? WHERE ${keys.map((k) => `${k} = ?`).join(' AND ')}`);
    for (const row of db.prepare(`SELECT ${key}, ${column} AS text FROM ${table}`).all() as Array<Record<string, string | number>>) {
      update.run(checksum(String(row['text'])), ...keys.map((k) => row[k]));
    }
  }
}

/** The migration chain, in order; every store is brought to {@link SQLITE_SCHEMA_VERSION} through it. */
export const MIGRATIONS: readonly Migration[] = [
  { to: 1, up: createVersion1 },
  { to: 2, up: addChecksums },
];

/**
 * Reads the store's schema version and runs the missing migrations in one transaction.
 * An empty file is a new store (version 0). A file with tables but no version table is not
 * a routilux store (`INVALID_FORMAT`); a newer version than this code knows is
 * `UNSUPPORTED_VERSION`. Returns the version found before migrating.
 */
export function migrate(db: Database.Database, path: string, target = SQLITE_SCHEMA_VERSION): number {
  const hasVersionTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !== undefined;
  let found = 0;
  if (hasVersionTable) {
    const row = db.prepare('SELECT version FROM schema_version').get() as { version?: unknown } | undefined;
    if (row === undefined || !Number.isInteger(row.version)) {
      throw new SerializationError(ErrorCode.INVALID_FORMAT, `SQLite store ${path}: its schema_version table holds no version; the file is damaged or was not written by routilux.`, { details: { path } });
    }
    found = row.version as number;
  } else {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) {
      throw new SerializationError(ErrorCode.INVALID_FORMAT, `SQLite store ${path}: the database has tables but no schema_version; it is not a routilux store (give the store a file of its own).`, { details: { path } });
    }
  }
  if (found > target) {
    throw new SerializationError(ErrorCode.UNSUPPORTED_VERSION, `SQLite store ${path} has schema version ${found}; this routilux reads up to version ${target}. Upgrade routilux to open it.`, {
      details: { path, version: String(found), supported: [target] },
    });
  }
  if (found === target) return found;
  db.transaction(() => {
    if (found === 0) db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const m of MIGRATIONS) if (m.to > found && m.to <= target) m.up(db);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(target);
  }).immediate();
  return found;
}
