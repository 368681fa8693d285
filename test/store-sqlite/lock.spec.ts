import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../src/store-sqlite/index.js';
import { jobDoc } from '../../src/testing/store-conformance/fixtures.js';
import { projectRoot, runScript } from '../helpers/run-script.js';

const dir = mkdtempSync(join(tmpdir(), 'routilux-sqlite-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = 'test/store-sqlite/fixtures/open-store.ts';
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function tryOpen(path: string): Promise<{ opened: boolean; code?: string; unfinished?: string[] }> {
  const run = await runScript(script, ['try', path]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim()) as { opened: boolean; code?: string };
}

function hold(path: string, jobId: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'hold', path], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JOB_DOC: JSON.stringify(jobDoc(jobId)) },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`holder exited with ${String(code)} before it was ready: ${out}`)));
  });
}

describe('SqliteJobStore single-writer lock', () => {
  it('fails a second store on the same file in this process with STORE_LOCKED, and lets one open after close', async () => {
    const path = join(dir, 'same-process.db');
    const first = new SqliteJobStore({ path });
    await first.create(jobDoc('j1'));
    let err: unknown;
    try {
      new SqliteJobStore({ path });
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string }).code).toBe('STORE_LOCKED');
    expect((err as { details?: { path?: string } }).details?.path).toBe(path);
    expect(await first.load('j1')).toEqual(jobDoc('j1'));
    await first.close();
    const second = new SqliteJobStore({ path });
    expect(await second.listUnfinished()).toEqual(['j1']);
    await second.close();
  });

  it('fails a second process fast with STORE_LOCKED while the first holds the store; no interleaved writes', async () => {
    const path = join(dir, 'two-processes.db');
    const store = new SqliteJobStore({ path });
    await store.create(jobDoc('mine'));
    const other = await tryOpen(path);
    expect(other).toMatchObject({ opened: false, code: 'STORE_LOCKED' });
    await store.create(jobDoc('mine-2'));
    expect(await store.listUnfinished()).toEqual(['mine', 'mine-2']);
    await store.close();
    expect(await tryOpen(path)).toEqual({ opened: true, unfinished: ['mine', 'mine-2'] });
  });

  it('is released by the operating system when the holding process is killed (SIGKILL)', async () => {
    const path = join(dir, 'killed-holder.db');
    const child = await hold(path, 'from-child');
    expect(() => new SqliteJobStore({ path })).toThrow(expect.objectContaining({ code: 'STORE_LOCKED' }) as Error);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = new SqliteJobStore({ path });
    expect(await store.listUnfinished()).toEqual(['from-child']);
    expect((await store.load('from-child'))?.jobId).toBe('from-child');
    await store.close();
  });
});
