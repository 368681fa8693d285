import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/index.js';
import { commitOf, jobDoc } from '../../src/testing/store-conformance/fixtures.js';
import { DurableLedger, checkCrashLedger, readDurableLedger } from './durable-ledger.js';
import { FaultyJobStore } from './faulty-store.js';
import { ids } from './ledger.js';
import { ManualClock, flushAsync } from './manual-clock.js';

const dir = mkdtempSync(join(tmpdir(), 'routilux-fault-machinery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (msgId: string, phase: 'start' | 'end', attempt = 1, taskId = `t${msgId}`) => ({ jobId: 'j', taskId, attempt, msgId, phase });

describe('DurableLedger', () => {
  it('appends JSON lines that survive the writer and reads them back across writers', () => {
    const path = join(dir, 'ledger-a.jsonl');
    const first = new DurableLedger(path);
    first.append(entry('0', 'start'));
    first.append(entry('0', 'end'));
    first.close();
    first.close();
    const second = new DurableLedger(path);
    second.append({ ...entry('1', 'end'), stage: 's1' });
    second.close();
    const { ledger, torn } = readDurableLedger(path);
    expect(torn).toBe(0);
    expect(ledger.entries).toEqual([
      { ...entry('0', 'start'), stage: '' },
      { ...entry('0', 'end'), stage: '' },
      { ...entry('1', 'end'), stage: 's1' },
    ]);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
  });

  it('keeps what a process wrote before SIGKILL', () => {
    const path = join(dir, 'ledger-killed.jsonl');
    const code = `import { DurableLedger } from './test/helpers/durable-ledger.ts'; const l = new DurableLedger(${JSON.stringify(path)}); for (let i = 0; i < 20; i++) l.append({ jobId: 'j', taskId: 't' + i, attempt: 1, msgId: String(i), phase: 'end' }); process.kill(process.pid, 'SIGKILL');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
    expect(run.signal).toBe('SIGKILL');
    const { ledger } = readDurableLedger(path);
    expect(ledger.check({ j: ids(20) }).lost).toEqual([]);
  });

  it('drops a torn last line and counts it, but refuses a broken line elsewhere', () => {
    const path = join(dir, 'ledger-torn.jsonl');
    writeFileSync(path, `${JSON.stringify({ ...entry('0', 'end'), stage: '' })}\n{"jobId":"j","taskI`);
    const { ledger, torn } = readDurableLedger(path);
    expect(torn).toBe(1);
    expect(ledger.entries).toHaveLength(1);
    appendFileSync(path, `\n${JSON.stringify({ ...entry('1', 'end'), stage: '' })}\n`);
    expect(() => readDurableLedger(path)).toThrow(/line 2/);
  });

  it('reads a missing file as an empty ledger', () => {
    expect(readDurableLedger(join(dir, 'none.jsonl')).ledger.entries).toEqual([]);
  });
});

describe('checkCrashLedger', () => {
  it('accepts duplicates that are re-runs of the same task with a higher attempt, and flags the others', () => {
    const path = join(dir, 'ledger-crash.jsonl');
    const l = new DurableLedger(path);
    for (const e of [entry('0', 'end'), entry('1', 'start'), entry('1', 'end'), entry('1', 'start', 2), entry('1', 'end', 2), entry('2', 'end'), entry('2', 'end', 1, 'tOther'), entry('9', 'end')]) l.append(e);
    l.close();
    const report = checkCrashLedger(readDurableLedger(path).ledger, { j: ids(4) });
    expect(report.lost).toEqual(['j/3']);
    expect(report.duplicated.sort()).toEqual(['j/1', 'j/2']);
    expect(report.badDuplicates).toEqual(['j/2']);
    expect(report.unexpected).toEqual(['j/9']);
  });

  it('flags a duplicate at the same attempt (the same activation counted twice)', () => {
    const path = join(dir, 'ledger-same-attempt.jsonl');
    const l = new DurableLedger(path);
    l.append(entry('0', 'end', 2));
    l.append(entry('0', 'end', 2));
    l.close();
    expect(checkCrashLedger(readDurableLedger(path).ledger, { j: ids(1) }).badDuplicates).toEqual(['j/0']);
  });
});

describe('FaultyJobStore', () => {
  async function storeWith(faults: ConstructorParameters<typeof FaultyJobStore>[1]['faults'], seed = 7, clock?: ManualClock) {
    const inner = new MemoryJobStore();
    await inner.create(jobDoc('j', { pendingTasks: [] }));
    return { inner, faulty: new FaultyJobStore(inner, { seed, ...(faults !== undefined ? { faults } : {}), ...(clock !== undefined ? { clock } : {}) }) };
  }

  it('passes calls through when no fault is configured', async () => {
    const { faulty } = await storeWith(undefined);
    expect(await faulty.commit(commitOf('j', 't1', { consumed: [] }))).toBe(true);
    expect((await faulty.load('j'))?.jobId).toBe('j');
    expect(faulty.injected).toEqual([]);
  });

  it('fails writes at the error rate without reaching the store, reproducibly per seed', async () => {
    const run = async (seed: number) => {
      const { inner, faulty } = await storeWith({ error: 0.3 }, seed);
      const results: string[] = [];
      for (let i = 0; i < 200; i++) {
        results.push(await faulty.commit(commitOf('j', `t${i}`, { consumed: [] })).then(String, (e: { code: string; details: { injected: string } }) => `${e.code}:${e.details.injected}`));
      }
      return { results, applied: await inner.commit(commitOf('j', 'probe', { consumed: [] })), inner, faulty };
    };
    const a = await run(11);
    const b = await run(11);
    expect(a.results).toEqual(b.results);
    const failed = a.results.filter((r) => r === 'STORE_UNAVAILABLE:error').length;
    expect(failed).toBe(a.faulty.count('error'));
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
    // the failed commits never reached the store: committing them now applies them
    const firstFailed = a.results.indexOf('STORE_UNAVAILABLE:error');
    expect(await a.inner.commit(commitOf('j', `t${firstFailed}`, { consumed: [] }))).toBe(true);
    expect((await run(12)).results).not.toEqual(a.results);
  });

  it('executeAndTimeout commits and then fails: the retry is a no-op (false)', async () => {
    const { faulty } = await storeWith({ executeAndTimeout: 1 });
    await expect(faulty.commit(commitOf('j', 't1', { consumed: [], changes: { entries: { sharedData: { x: 1 } } } }))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', details: { injected: 'executeAndTimeout' } });
    faulty.setFaults({});
    expect(await faulty.commit(commitOf('j', 't1', { consumed: [] }))).toBe(false);
    expect((await faulty.load('j'))?.sharedData).toEqual({ total: 0, x: 1 });
  });

  it('is unavailable for a period of the clock, then recovers', async () => {
    const clock = new ManualClock();
    const { faulty } = await storeWith({}, 1, clock);
    faulty.goDown(5000);
    await expect(faulty.load('j')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', details: { injected: 'unavailable' } });
    await expect(faulty.commit(commitOf('j', 't1', { consumed: [] }))).rejects.toMatchObject({ details: { injected: 'unavailable' } });
    await clock.advance(5000);
    expect(await faulty.commit(commitOf('j', 't1', { consumed: [] }))).toBe(true);
    faulty.goDown();
    await expect(faulty.listUnfinished()).rejects.toMatchObject({ details: { injected: 'unavailable' } });
    faulty.goUp();
    expect(await faulty.listUnfinished()).toEqual(['j']);
  });

  it('delays calls by latencyMs and fails timed-out calls after timeoutMs, on the clock', async () => {
    const clock = new ManualClock();
    const { faulty } = await storeWith({ latency: 1, latencyMs: 2000 }, 1, clock);
    let done = false;
    const slow = faulty.commit(commitOf('j', 't1', { consumed: [] })).then((r) => ((done = true), r));
    await clock.advance(1999);
    await flushAsync();
    expect(done).toBe(false);
    await clock.advance(1);
    expect(await slow).toBe(true);
    faulty.setFaults({ timeout: 1, timeoutMs: 500 });
    const timedOut = faulty.commit(commitOf('j', 't2', { consumed: [] }));
    const caught = timedOut.catch((e: unknown) => e);
    await clock.advance(500);
    expect(await caught).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { injected: 'timeout' } });
    faulty.setFaults({});
    expect(await faulty.commit(commitOf('j', 't2', { consumed: [] }))).toBe(true);
  });
});
