import { describe, expect, it } from 'vitest';
import { JobState, applyActivationCommit } from '../../src/index.js';

const task = (taskId: string, attempt = 1) => ({ taskId, routineId: 'r', slotName: 's', data: {}, attempt, merged: attempt > 1, delayMs: 0 });

describe('applyActivationCommit', () => {
  it('sets fields (null removes an optional one), changes map entries, appends and trims the history', () => {
    const doc = { ...new JobState('f', { historyLimit: 2 }).serialize(), error: { code: 'X', message: 'm' } };
    const out = applyActivationCommit(doc, {
      jobId: doc.jobId,
      taskId: 't1',
      attempt: 1,
      changes: {
        set: { status: 'running', error: null, timeoutMs: null },
        entries: { sharedData: { a: 1 }, slotBuffers: { 'r\u0000s': { x: [1] } } },
        append: { executionHistory: [1, 2, 3].map((i) => ({ routineId: 'r', eventName: `e${i}`, data: {}, timestamp: 'x' })) },
      },
      produced: [],
      consumed: [],
    });
    expect(out.status).toBe('running');
    expect('error' in out).toBe(false);
    expect(out.timeoutMs).toBeNull();
    expect(out.sharedData).toEqual({ a: 1 });
    expect(out.slotBuffers).toEqual([{ routineId: 'r', slotName: 's', data: { x: [1] } }]);
    expect(out.executionHistory.map((r) => r.eventName)).toEqual(['e2', 'e3']);
    expect(doc.status).toBe('pending'); // the input is not changed
    const removed = applyActivationCommit(out, { jobId: doc.jobId, taskId: null, attempt: 0, changes: { entries: { sharedData: { a: null }, slotBuffers: { 'r\u0000s': null } } }, produced: [], consumed: [] });
    expect(removed.sharedData).toEqual({});
    expect(removed.slotBuffers).toEqual([]);
  });

  it('removes consumed tasks, appends produced ones and replaces a retried attempt', () => {
    const doc = { ...new JobState('f').serialize(), pendingTasks: [task('t1'), task('t2')] };
    const out = applyActivationCommit(doc, { jobId: doc.jobId, taskId: 't1', attempt: 1, changes: {}, produced: [task('t2', 2), task('t3')], consumed: ['t1'] });
    expect(out.pendingTasks.map((t) => `${t.taskId}/${t.attempt}`)).toEqual(['t2/2', 't3/1']);
  });
});
