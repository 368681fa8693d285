import { describe, expect, it } from 'vitest';
import type { ActivationCommit, SerializedJobState } from '../../index.js';
import { type Fixture, at, commitOf, jobDoc, rejection, task } from './fixtures.js';

type Doc = Record<string, unknown>;

/** commit: change semantics, idempotency, atomicity. */
export function commitTests(fx: Fixture): void {
  describe('commit', () => {
    it('applies set, entries and append exactly, consumes its task and appends produced tasks in order', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1', { currentRoutineId: 'source', pendingTasks: [task('t1'), task('t9')] }));
      const ok = await store.commit(
        commitOf('j1', 't1', {
          changes: {
            set: { updatedAt: at(5), nextTaskSeq: 4, currentRoutineId: null, tracker: { events: 2, routines: {} } },
            entries: { routineStates: { worker: { status: 'completed', executions: 1 } }, sharedData: { total: 5, extra: 'x' } },
            append: { sharedLog: [{ key: 'total', value: 5 }], outputLog: [{ jobId: 'j1', routineId: 'worker', outputType: 'o', data: 1, timestamp: at(5) }] },
          },
          produced: [task('t2', { routineId: 'sink' }), task('t3', { routineId: 'sink' })],
        }),
      );
      expect(ok).toBe(true);
      const expected: Doc = {
        ...(jobDoc('j1') as unknown as Doc),
        updatedAt: at(5),
        nextTaskSeq: 4,
        tracker: { events: 2, routines: {} },
        routineStates: { source: { status: 'completed', executions: 1 }, worker: { status: 'completed', executions: 1 } },
        sharedData: { total: 5, extra: 'x' },
        sharedLog: [{ key: 'total', value: 5 }],
        outputLog: [{ jobId: 'j1', routineId: 'worker', outputType: 'o', data: 1, timestamp: at(5) }],
        pendingTasks: [task('t9'), task('t2', { routineId: 'sink' }), task('t3', { routineId: 'sink' })],
      };
      expect(await store.load('j1')).toEqual(expected);
      expect((await store.load('j1')) as unknown as Doc).not.toHaveProperty('currentRoutineId');
    });

    it('deletes map entries given as null, creates maps and lists that were absent, and keys slot buffers routineId\\u0000slotName', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1', { sharedData: { a: 1, b: 2 }, slotBuffers: [{ routineId: 'agg', slotName: 'in', data: { xs: [1] } }] }));
      await store.commit(
        commitOf('j1', 't1', {
          changes: {
            entries: {
              sharedData: { a: null, c: 3, missing: null },
              slotBuffers: { 'agg\u0000in': { xs: [1, 2] }, 'agg\u0000side': { y: 1 } },
              slotQueues: { logic: { in: [{ v: 1 }] } },
            },
            append: { pausePoints: [{ timestamp: at(1), reason: 'r', checkpoint: null, pendingTaskCount: 0 }] },
          },
        }),
      );
      const doc = (await store.load('j1')) as unknown as Doc;
      expect(doc['sharedData']).toEqual({ b: 2, c: 3 });
      expect(doc['slotBuffers']).toEqual([
        { routineId: 'agg', slotName: 'in', data: { xs: [1, 2] } },
        { routineId: 'agg', slotName: 'side', data: { y: 1 } },
      ]);
      expect(doc['slotQueues']).toEqual({ logic: { in: [{ v: 1 }] } });
      expect(doc['pausePoints']).toHaveLength(1);
      await store.commit(commitOf('j1', null, { attempt: 0, changes: { entries: { slotBuffers: { 'agg\u0000in': null } } } }));
      expect(((await store.load('j1')) as unknown as Doc)['slotBuffers']).toEqual([{ routineId: 'agg', slotName: 'side', data: { y: 1 } }]);
    });

    it('keeps only the newest historyLimit history entries after appending', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1', { historyLimit: 3 }));
      const entry = (n: number) => ({ routineId: 'worker', eventName: `e${n}`, data: n, timestamp: at(n) });
      await store.commit(commitOf('j1', 't1', { changes: { append: { executionHistory: [entry(1), entry(2)] } } }));
      await store.commit(commitOf('j1', 't2', { consumed: [], changes: { append: { executionHistory: [entry(3), entry(4)] } } }));
      const doc = await store.load('j1');
      expect(doc?.executionHistory.map((e) => e.eventName)).toEqual(['e2', 'e3', 'e4']);
      await store.create(jobDoc('zero', { historyLimit: 0, executionHistory: [] }));
      await store.commit(commitOf('zero', 't1', { changes: { append: { executionHistory: [entry(1)] } } }));
      expect((await store.load('zero'))?.executionHistory).toEqual([]);
    });

    it('is idempotent per { taskId, attempt }: a replay resolves false and changes nothing; the next attempt applies', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const first = commitOf('j1', 't1', { outcome: 'retrying', changes: { entries: { sharedData: { total: 1 } } }, produced: [task('t1', { attempt: 2, merged: true })] });
      expect(await store.commit(first)).toBe(true);
      const after = await store.load('j1');
      expect(await store.commit(first)).toBe(false);
      expect(await store.commit({ ...first, changes: { entries: { sharedData: { total: 100 } } }, produced: [] })).toBe(false);
      expect(await store.load('j1')).toEqual(after);
      expect(await store.commit(commitOf('j1', 't1', { attempt: 2, changes: { entries: { sharedData: { total: 2 } } } }))).toBe(true);
      const doc = await store.load('j1');
      expect(doc?.sharedData).toEqual({ total: 2 });
      expect(doc?.pendingTasks).toEqual([]);
      expect(await store.commit(commitOf('j1', 't1', { attempt: 2 }))).toBe(false);
    });

    it('applies every job-level commit (taskId null): they carry no idempotency key', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const pause = commitOf('j1', null, { attempt: 0, changes: { set: { status: 'paused' }, append: { pausePoints: [{ timestamp: at(1), reason: 'p', checkpoint: null, pendingTaskCount: 1 }] } } });
      expect(await store.commit(pause)).toBe(true);
      expect(await store.commit(pause)).toBe(true);
      expect((await store.load('j1'))?.pausePoints).toHaveLength(2);
    });

    it('is atomic: a commit refused for any reason changes nothing and does not use up its { taskId, attempt }', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1', { pendingTasks: [task('t1'), task('t5')] }));
      const before = await store.load('j1');
      const good = { set: { updatedAt: at(9) }, entries: { sharedData: { total: 9 } }, append: { sharedLog: [{ k: 1 }] } };
      const refused: Array<[string, ActivationCommit]> = [
        ['entries on a list', commitOf('j1', 't1', { changes: { ...good, entries: { ...good.entries, executionHistory: { a: 1 } } } })],
        ['append to a map', commitOf('j1', 't1', { changes: { ...good, append: { ...good.append, sharedData: [1] } } })],
        ['entries on a scalar field', commitOf('j1', 't1', { changes: { ...good, entries: { ...good.entries, nextTaskSeq: { a: 1 } } } })],
        ['append to a scalar field', commitOf('j1', 't1', { changes: { ...good, append: { ...good.append, elapsedMs: [1] } } })],
        ['a produced task already pending', commitOf('j1', 't1', { changes: good, produced: [task('t7'), task('t5')] })],
        ['changing the job id', commitOf('j1', 't1', { changes: { ...good, set: { ...good.set, jobId: 'other' } } })],
        ['removing the status', commitOf('j1', 't1', { changes: { ...good, set: { ...good.set, status: null } } })],
        ['an unknown status', commitOf('j1', 't1', { changes: { ...good, set: { ...good.set, status: 'done' } } })],
        ['a value that is not JSON', commitOf('j1', 't1', { changes: { ...good, entries: { sharedData: { total: 9, bad: Number.POSITIVE_INFINITY } } } })],
        ['a malformed produced task', commitOf('j1', 't1', { changes: good, produced: [{ ...task('t8'), attempt: 0 }] })],
        ['a bad attempt', commitOf('j1', 't1', { changes: good, attempt: 1.5 })],
        ['a bad outcome', commitOf('j1', 't1', { changes: good, outcome: 'exploded' as never })],
        ['a bad slot buffer key', commitOf('j1', 't1', { changes: { ...good, entries: { slotBuffers: { nokey: { a: 1 } } } } })],
      ];
      for (const [why, commit] of refused) {
        const err = await rejection(store.commit(commit));
        expect(err.code, why).toBe('INVALID_ARGUMENT');
        expect(await store.load('j1'), why).toEqual(before);
      }
      expect(await store.commit(commitOf('j1', 't1', { changes: good }))).toBe(true);
      expect((await store.load('j1'))?.sharedData).toEqual({ total: 9 });
    });

    it('refuses a commit for a job it does not have with INVALID_ARGUMENT', async () => {
      const store = await fx.open();
      const err = await rejection(store.commit(commitOf('ghost', 't1')));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(await store.load('ghost')).toBeUndefined();
    });

    it('copies the commit: mutating it after the call changes nothing stored', async () => {
      const store = await fx.open();
      await store.create(jobDoc('j1'));
      const data = { total: 1 };
      const produced = [task('t2')];
      const pending = store.commit(commitOf('j1', 't1', { changes: { entries: { sharedData: data } }, produced }));
      data.total = 666;
      produced.push(task('t3'));
      await pending;
      const doc = (await store.load('j1')) as SerializedJobState;
      expect(doc.sharedData).toEqual({ total: 1 });
      expect(doc.pendingTasks.map((t) => t.taskId)).toEqual(['t2']);
    });

    it('applies concurrent commits of many tasks and jobs, each exactly once', async () => {
      const store = await fx.open();
      await store.create(jobDoc('a', { pendingTasks: [] }));
      await store.create(jobDoc('b', { pendingTasks: [] }));
      const commits = Array.from({ length: 40 }, (_, i) => {
        const job = i % 2 === 0 ? 'a' : 'b';
        return commitOf(job, `t${i}`, { consumed: [], changes: { entries: { sharedData: { [`k${i}`]: i } } }, produced: [task(`p${i}`)] });
      });
      const results = await Promise.all([...commits, ...commits].map((c) => store.commit(c)));
      expect(results.filter((r) => r)).toHaveLength(40);
      for (const job of ['a', 'b']) {
        const doc = (await store.load(job)) as SerializedJobState;
        expect(Object.keys(doc.sharedData)).toHaveLength(21);
        expect(doc.pendingTasks).toHaveLength(20);
      }
    });
  });
}
