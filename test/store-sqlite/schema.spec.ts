import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION, SqliteJobStore } from '../../src/store-sqlite/index.js';
import { commitOf, task } from '../../src/testing/store-conformance/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = new URL('./fixtures/schema-v1.sqlite', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(new URL('./fixtures/schema-v1.expected.json', import.meta.url), 'utf8')) as { running: object; done: object };

function versionOf(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT version FROM schema_version').get() as { version: number }).version;
  } finally {
    db.close();
  }
}

function openError(path: string): { code?: string; message: string } {
  try {
    new SqliteJobStore({ path });
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the store to refuse the file');
}

describe('SqliteJobStore schema and migrations', () => {
  it('migrates the committed version-1 fixture through the chain; jobs, commits, fences and flows come back', async () => {
    const original = readFileSync(fixture);
    const path = join(dir, 'from-v1.db');
    copyFileSync(fixture, path);
    expect(versionOf(path)).toBe(1);
    const store = new SqliteJobStore({ path });
    // the readers verify every row's checksum: loading proves the 1 → 2 step computed them
    expect(await store.load('v1-running')).toEqual(expected.running);
    expect(await store.load('v1-done')).toEqual(expected.done);
    expect(await store.listUnfinished()).toEqual(['v1-running']);
    expect((await store.listJobs()).items.map((j) => [j.jobId, j.flow])).toEqual([
      ['v1-done', 'orders'],
      ['v1-running', 'orders'],
    ]);
    expect(await store.listFlows()).toEqual([{ name: 'orders', document: { version: 1, flowId: 'orders' } }]);
    expect(await store.commit(commitOf('v1-running', 't3'))).toBe(false);
    expect((await store.acquire('v1-running', 'runtime', 1000))?.fence).toBe(5);
    expect(await store.commit(commitOf('v1-running', 't4', { produced: [task('t6')] }))).toBe(true);
    expect((await store.load('v1-running'))?.pendingTasks.map((t) => t.taskId)).toEqual(['t5', 't6']);
    await store.close();
    expect(versionOf(path)).toBe(SQLITE_SCHEMA_VERSION);
    expect(readFileSync(fixture).equals(original)).toBe(true);
  });

  it('creates a new file at the current version and reopens it without migrating again', async () => {
    const path = join(dir, 'nested', 'dir', 'fresh.db');
    await new SqliteJobStore({ path }).close();
    expect(versionOf(path)).toBe(SQLITE_SCHEMA_VERSION);
    await new SqliteJobStore({ path }).close();
    expect(versionOf(path)).toBe(SQLITE_SCHEMA_VERSION);
  });

  it('refuses a store written by a newer version with UNSUPPORTED_VERSION, and changes nothing', () => {
    const path = join(dir, 'future.db');
    copyFileSync(fixture, path);
    const db = new Database(path);
    db.prepare('UPDATE schema_version SET version = ?').run(SQLITE_SCHEMA_VERSION + 1);
    db.close();
    expect(openError(path).code).toBe('UNSUPPORTED_VERSION');
    expect(versionOf(path)).toBe(SQLITE_SCHEMA_VERSION + 1);
  });

  it('refuses a database with tables but no version (not guessed), and one whose version row is missing', () => {
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    db.close();
    expect(openError(foreign)).toMatchObject({ code: 'INVALID_FORMAT' });
    const noRow = join(dir, 'no-row.db');
    copyFileSync(fixture, noRow);
    const db2 = new Database(noRow);
    db2.exec('DELETE FROM schema_version');
    db2.close();
    expect(openError(noRow).code).toBe('INVALID_FORMAT');
  });

  it('refuses a file that is not a SQLite database with CORRUPT_STATE', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const err = openError(path);
    expect(err.code).toBe('CORRUPT_STATE');
    expect(err.message).toContain(path);
  });

  it('checks its options with INVALID_ARGUMENT before touching the file', () => {
    const path = join(dir, 'options.db');
    for (const bad of [{ path: '' }, { path, durability: 'never' }, { path, batchMs: -1 }, { path, synchronous: 'off' }, { path, retention: { finished: { maxAgeMs: -5 } } }]) {
      expect(() => new SqliteJobStore(bad as never), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    }
  });
});
