import { describe, expect, it } from 'vitest';
import { Gate, deferred, until } from './gate.js';
import { Ledger, ids } from './ledger.js';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('should fire due timers in due order (ties in creation order) and move now()', async () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.monotonic()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.monotonic()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.monotonic()}`), 20);
    await clock.advance(15);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(1015);
    await clock.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('should fire timers scheduled by a firing timer when they fall due within the advance', async () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.monotonic());
      clock.setTimeout(() => fired.push(clock.monotonic()), 5);
    }, 5);
    await clock.advance(9);
    expect(fired).toEqual([5]);
    await clock.advance(1);
    expect(fired).toEqual([5, 10]);
  });

  it('should not fire cleared timers, and runAll drains the rest', async () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    const h = clock.setTimeout(() => fired.push(1), 1);
    clock.setTimeout(() => fired.push(2), 100);
    clock.clearTimeout(h);
    expect(clock.pendingTimers).toBe(1);
    await clock.runAll();
    expect(fired).toEqual([2]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('Gate', () => {
  it('should hold waiters until opened and count them', async () => {
    const gate = new Gate();
    let passed = 0;
    const a = gate.wait().then(() => passed++);
    const b = gate.wait().then(() => passed++);
    await gate.whenWaiting(2);
    expect(gate.waiting).toBe(2);
    expect(passed).toBe(0);
    gate.open();
    await Promise.all([a, b]);
    expect(passed).toBe(2);
    await gate.wait(); // open gates let later callers through
  });

  it('should reject waiters when failed', async () => {
    const gate = new Gate();
    const w = gate.wait();
    gate.fail(new Error('boom'));
    await expect(w).rejects.toThrow('boom');
  });

  it('deferred and until should resolve on demand', async () => {
    const d = deferred<number>();
    let flag = false;
    void d.promise.then(() => (flag = true));
    d.resolve(3);
    await until(() => flag);
    expect(d.settled).toBe(true);
    await expect(until(() => false, 3)).rejects.toThrow('did not hold');
  });
});

describe('Ledger', () => {
  const line = (jobId: string, msgId: string, phase: 'start' | 'end', attempt = 1, stage = '') => ({ jobId, taskId: `t-${msgId}`, attempt, msgId, phase, stage });

  it('should report a clean run', () => {
    const l = new Ledger();
    for (const m of ids(3)) {
      l.append(line('j', m, 'start'));
      l.append(line('j', m, 'end'));
    }
    expect(l.check({ j: ids(3) })).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [], handled: 3 });
  });

  it('should find lost, duplicated, unexpected, recovered and unfinished messages', () => {
    const l = new Ledger();
    l.append(line('j', '0', 'start'));
    l.append(line('j', '0', 'end'));
    l.append(line('j', '0', 'start'));
    l.append(line('j', '0', 'end'));
    l.append(line('j', '1', 'start')); // never ends
    l.append(line('j', '9', 'start'));
    l.append(line('j', '9', 'end'));
    l.append(line('j', '2', 'start', 2));
    l.append(line('j', '2', 'end', 2));
    const r = l.check(new Map([['j', ['0', '1', '2']]]));
    expect(r.duplicated).toEqual(['j/0']);
    expect(r.lost).toEqual(['j/1']);
    expect(r.unexpected).toEqual(['j/9']);
    expect(r.recovered).toEqual(['j/2']);
    expect(r.unfinished).toEqual(['j/1#t-1#1']);
  });

  it('should check in-order stage histories per job and message', () => {
    const l = new Ledger();
    l.append(line('j', '0', 'end', 1, 's1'));
    l.append(line('j', '0', 'end', 1, 's2'));
    l.append(line('j', '1', 'end', 1, 's2'));
    l.append(line('j', '1', 'end', 1, 's1'));
    const r = l.check({ j: ['0', '1'] }, ['s1', 's2']);
    expect(r.outOfOrder).toEqual(['j/1: got s2,s1']);
    expect(r.lost).toEqual([]);
  });
});
