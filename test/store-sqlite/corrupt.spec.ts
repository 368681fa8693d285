import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { jobDoc } from '../../src/testing/store-conformance/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A closed store file with jobs 'good' and 'bad', then `damage` applied to it with a raw connection. */
async function damaged(damage: (db: Database.Database) => void, docs = { good: jobDoc('good'), bad: jobDoc('bad') }): Promise<string> {
  const path = join(dir, `c${++n}.db`);
  const store = new SqliteJobStore({ path });
  await store.create(docs.good);
  await store.create(docs.bad);
  await store.close();
  const db = new Database(path);
  damage(db);
  db.close();
  return path;
}

async function expectOnlyBadFails(path: string): Promise<void> {
  const store = new SqliteJobStore({ path });
  try {
    const err = await store.load('bad').then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string; details?: Record<string, unknown> },
    );
    expect(err?.code).toBe('CORRUPT_STATE');
    expect(err?.details?.['jobId']).toBe('bad');
    expect(err?.message).toContain('Job bad');
    expect((await store.load('good'))?.jobId).toBe('good');
    expect([...(await store.listUnfinished())].sort()).toEqual(['bad', 'good']);
  } finally {
    await store.close();
  }
}

describe('SqliteJobStore with corrupt data', () => {
  it('names the job whose head no longer matches its checksum', async () => {
    await expectOnlyBadFails(await damaged((db) => db.prepare("UPDATE jobs SET head = replace(head, 'running', 'paused') WHERE job_id = 'bad'").run()));
  });

  it('names the job whose head is truncated JSON (checksum recomputed, so only the parse fails)', async () => {
    const path = await damaged((db) => {
      const { head } = db.prepare("SELECT head FROM jobs WHERE job_id = 'bad'").get() as { head: string };
      const cut = head.slice(0, head.length - 7);
      let h = 0x811c9dc5;
      for (let i = 0; i < cut.length; i++) h = Math.imul(h ^ cut.charCodeAt(i), 0x01000193);
      db.prepare("UPDATE jobs SET head = ?, crc = ? WHERE job_id = 'bad'").run(cut, h >>> 0);
    });
    await expectOnlyBadFails(path);
  });

  it('names the job whose rows contradict its head', async () => {
    await expectOnlyBadFails(await damaged((db) => db.prepare("INSERT INTO job_maps VALUES ('bad', 'debugData', 'x', 99, '{}', 2615402659)").run()));
  });

  it('names the job that sits on a torn page; the other jobs load', async () => {
    const marker = 'Q'.repeat(6000);
    const path = await damaged(() => undefined, { good: jobDoc('good', { sharedData: { pad: 'G'.repeat(6000) } }), bad: jobDoc('bad', { sharedData: { pad: marker } }) });
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    const at = bytes.indexOf(marker.slice(0, 1000));
    expect(at).toBeGreaterThan(0);
    const page = Math.floor(at / pageSize) + 1;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, page * pageSize);
    closeSync(fd);
    await expectOnlyBadFails(path);
  });
});
