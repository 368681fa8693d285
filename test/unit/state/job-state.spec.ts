import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_LIMIT, ErrorHandler, Flow, JobState, JobStatus } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';
import { Gate } from '../../helpers/gate.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { codeOf } from '../../helpers/errors.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('JobState fields', () => {
  it('should start pending and empty', () => {
    const s = new JobState('flow-1');
    expect(s.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new JobState('flow-1').jobId).not.toBe(s.jobId);
    expect(new JobState('flow-1', { jobId: 'job-7' }).jobId).toBe('job-7');
    expect(s.flowId).toBe('flow-1');
    expect(s.status).toBe('pending');
    expect(s.createdAt).toBeInstanceOf(Date);
    expect(s.updatedAt).toBeInstanceOf(Date);
    expect(s.currentRoutineId).toBeUndefined();
    expect(s.routineStates).toEqual({});
    expect(s.executionHistory).toEqual([]);
    expect(s.sharedData).toEqual({});
    expect(s.sharedLog).toEqual([]);
    expect(s.outputLog).toEqual([]);
    expect(s.pendingTasks).toEqual([]);
    expect(s.pausePoints).toEqual([]);
    expect(s.deferredEvents).toEqual([]);
    expect(s.error).toBeUndefined();
    expect(s.historyLimit).toBe(DEFAULT_HISTORY_LIMIT);
    expect(DEFAULT_HISTORY_LIMIT).toBe(1000);
    expect(JobStatus).toEqual({ PENDING: 'pending', RUNNING: 'running', PAUSED: 'paused', COMPLETED: 'completed', FAILED: 'failed', CANCELLED: 'cancelled' });
  });

  it('should reject bad constructor arguments', () => {
    expect(codeOf(() => new JobState('' as string))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new JobState(5 as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new JobState('f', { historyLimit: -1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new JobState('f', { historyLimit: 1.5 }))).toBe('INVALID_ARGUMENT');
  });

  it('should be filled by a run: status, currentRoutineId, routineStates, history', async () => {
    const flow = new Flow({ flowId: 'f' });
    flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', { v: 1 }); } }, ['out']), 'a');
    flow.addRoutine(new FnRoutine({ in() {} }), 'b');
    flow.connect('a', 'out', 'b', 'in');
    const job = await flow.execute('a', { p: 1 });
    expect(job.flowId).toBe('f');
    expect(job.status).toBe('completed');
    expect(job.currentRoutineId).toBe('b');
    expect(job.routineStates['a']).toMatchObject({ status: 'completed', executions: 1 });
    expect(job.routineStates['b']).toMatchObject({ status: 'completed', executions: 1 });
    expect(job.executionHistory.map((h) => [h.routineId, h.eventName, h.data])).toEqual([
      ['a', 'start', { p: 1 }],
      ['a', 'out', { v: 1 }],
    ]);
    expect(job.executionHistory.every((h) => h.timestamp instanceof Date)).toBe(true);
    expect(job.updatedAt.getTime()).toBeGreaterThanOrEqual(job.createdAt.getTime());
  });

  it('should use the flow clock for history timestamps', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const flow = new Flow({ clock });
    flow.addRoutine(new FnRoutine({ trigger() { this.emit('out', {}); } }, ['out']), 'a');
    const job = await flow.execute('a');
    expect(job.executionHistory.map((h) => h.timestamp.toISOString())).toEqual(['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z']);
  });

  it("should record 'error' history entries for failures", async () => {
    const flow = new Flow();
    flow.addRoutine(new FnRoutine({ trigger() { throw new Error('bad input'); } }), 'a');
    flow.setErrorHandler(new ErrorHandler({ strategy: 'continue' }));
    const job = await flow.execute('a');
    expect(job.getExecutionHistory('a')).toEqual([
      expect.objectContaining({ eventName: 'start' }),
      expect.objectContaining({ eventName: 'error', data: expect.objectContaining({ error: 'bad input', code: 'ROUTINE_FAILED' }) }),
    ]);
  });
});

describe('JobState history cap', () => {
  it('should keep the newest entries, drop the oldest and count them', async () => {
    const flow = new Flow({ historyLimit: 5 });
    flow.addRoutine(new FnRoutine({ trigger() { for (let i = 0; i < 10; i++) this.emit('out', { i }); } }, ['out']), 'a');
    const job = await flow.execute('a');
    expect(job.historyLimit).toBe(5);
    expect(job.executionHistory.map((h) => (h.data as { i: number }).i)).toEqual([5, 6, 7, 8, 9]);
    expect(job.historyDropped).toBe(6); // 'start' + 5 emits
  });

  it('should work the same through recordExecution', () => {
    const s = new JobState('f', { historyLimit: 2 });
    s.recordExecution('r', 'e1', 1);
    s.recordExecution('r', 'e2', 2);
    s.recordExecution('x', 'e3', 3);
    expect(s.executionHistory.map((h) => h.eventName)).toEqual(['e2', 'e3']);
    expect(s.historyDropped).toBe(1);
    const none = new JobState('f', { historyLimit: 0 });
    none.recordExecution('r', 'e', 1);
    expect(none.executionHistory).toEqual([]);
    expect(none.historyDropped).toBe(1);
  });

  it('executionHistory should be a copy', () => {
    const s = new JobState('f');
    s.recordExecution('r', 'e', 1);
    s.executionHistory.pop();
    expect(s.executionHistory).toHaveLength(1);
  });
});

describe('JobState methods', () => {
  it('getRoutineState / updateRoutineState should read and merge records', () => {
    const s = new JobState('f');
    expect(s.getRoutineState('r')).toBeUndefined();
    expect(s.getRoutineState('toString')).toBeUndefined();
    s.updateRoutineState('r', { custom: 1 });
    expect(s.getRoutineState('r')).toEqual({ status: 'running', custom: 1 });
    s.updateRoutineState('r', { status: 'skipped' });
    expect(s.getRoutineState('r')).toEqual({ status: 'skipped', custom: 1 });
    expect(s.routineStates).toEqual({ r: { status: 'skipped', custom: 1 } });
    expect(codeOf(() => s.updateRoutineState('r', { status: 'weird' as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => s.updateRoutineState('', {}))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => s.updateRoutineState('r', 5 as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => s.updateRoutineState('__proto__', {}))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => s.updateRoutineState('r', JSON.parse('{"__proto__":{"polluted":1}}') as object))).toBe('FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('recordExecution / getExecutionHistory should append and filter by routine', () => {
    const s = new JobState('f');
    s.recordExecution('a', 'e1', { x: 1 });
    s.recordExecution('b', 'e2', null);
    s.recordExecution('a', 'e3', 'text');
    expect(s.getExecutionHistory().map((h) => h.eventName)).toEqual(['e1', 'e2', 'e3']);
    expect(s.getExecutionHistory('a').map((h) => h.data)).toEqual([{ x: 1 }, 'text']);
    expect(s.getExecutionHistory('zzz')).toEqual([]);
    expect(codeOf(() => s.recordExecution(1 as never, 'e', 1))).toBe('INVALID_ARGUMENT');
  });

  it('updateSharedData / getSharedData should set, read and fall back; reserved keys → FORBIDDEN_KEY', () => {
    const s = new JobState('f');
    s.updateSharedData('count', 1);
    s.updateSharedData('obj', { a: 1 });
    expect(s.getSharedData('count')).toBe(1);
    expect(s.getSharedData('missing', 'fb')).toBe('fb');
    expect(s.getSharedData('missing')).toBeUndefined();
    expect(s.getSharedData('toString', 'fb')).toBe('fb');
    expect(s.sharedData).toEqual({ count: 1, obj: { a: 1 } });
    for (const k of ['__proto__', 'constructor', 'prototype']) expect(codeOf(() => s.updateSharedData(k, { polluted: 1 }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => s.updateSharedData('', 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => s.updateSharedData(3 as never, 1))).toBe('INVALID_ARGUMENT');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('appendToSharedLog should add an ISO timestamp, copy the entry and reject non-objects', () => {
    const s = new JobState('f');
    const entry = { msg: 'hi' };
    s.appendToSharedLog(entry);
    expect(s.sharedLog).toHaveLength(1);
    expect(s.sharedLog[0]!.msg).toBe('hi');
    expect(s.sharedLog[0]!.timestamp).toMatch(ISO);
    expect(entry).toEqual({ msg: 'hi' }); // the caller's object is not changed
    s.appendToSharedLog({ msg: 'kept', timestamp: '2020-01-01T00:00:00.000Z' });
    expect(s.sharedLog[1]!.timestamp).toBe('2020-01-01T00:00:00.000Z');
    for (const bad of ['text', 5, null, [1], undefined]) expect(codeOf(() => s.appendToSharedLog(bad as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => s.appendToSharedLog(JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>))).toBe('FORBIDDEN_KEY');
    expect(s.sharedLog).toHaveLength(2);
  });

  it('routines should share data and log within one job, isolated between jobs', async () => {
    const flow = new Flow({ executionStrategy: 'concurrent' });
    flow.addRoutine(
      new FnRoutine(
        {
          trigger(d, ctx) {
            ctx.jobState.updateSharedData('who', d['who']);
            ctx.jobState.appendToSharedLog({ step: 'a' });
            this.emit('out', {});
          },
        },
        ['out'],
      ),
      'a',
    );
    flow.addRoutine(
      new FnRoutine({
        in(_d, ctx) {
          ctx.jobState.appendToSharedLog({ step: 'b', saw: ctx.jobState.getSharedData('who') });
        },
      }),
      'b',
    );
    flow.connect('a', 'out', 'b', 'in');
    const [j1, j2] = await Promise.all([flow.execute('a', { who: 1 }), flow.execute('a', { who: 2 })]);
    expect(j1.sharedLog.map((e) => [e['step'], e['saw']])).toEqual([
      ['a', undefined],
      ['b', 1],
    ]);
    expect(j2.sharedData).toEqual({ who: 2 });
  });
});

describe('ExecutionTracker (jobState.tracker)', () => {
  it('should report per-routine and per-job performance measured with the flow clock', async () => {
    const clock = new ManualClock();
    const gates = [new Gate(), new Gate(), new Gate()];
    const flow = new Flow({ clock }); // sequential: one activation at a time
    flow.addRoutine(
      new FnRoutine(
        {
          trigger() {
            for (let i = 0; i < 3; i++) this.emit('out', { i });
          },
          async in(d) {
            const i = d['i'] as number;
            await gates[i]!.wait();
            if (i === 2) throw new Error('third fails');
          },
        },
        ['out'],
      ),
      'r',
    );
    flow.connect('r', 'out', 'r', 'in');
    flow.setErrorHandler(new ErrorHandler({ strategy: 'continue' }));
    const job = flow.start('r');
    const durations = [30, 10, 20];
    for (let i = 0; i < 3; i++) {
      await gates[i]!.whenWaiting(1);
      await clock.advance(durations[i]!);
      gates[i]!.open();
    }
    await JobState.waitForCompletion(flow, job);
    const perf = job.tracker.getRoutinePerformance('r')!;
    // the trigger activation took 0 ms, then 30, 10 and a failing 20
    expect(perf).toEqual({ totalExecutions: 4, completed: 3, failed: 1, successRate: 0.75, avgExecutionTime: 15, minExecutionTime: 0, maxExecutionTime: 30 });
    expect(job.tracker.getRoutinePerformance('nope')).toBeUndefined();
    expect(job.tracker.getFlowPerformance()).toEqual({ totalRoutines: 1, totalEvents: 3, totalExecutionTime: 60, avgRoutineTime: 15 });
  });

  it('should report zeros for a job that ran nothing', () => {
    expect(new JobState('f').tracker.getFlowPerformance()).toEqual({ totalRoutines: 0, totalEvents: 0, totalExecutionTime: 0, avgRoutineTime: 0 });
  });
});
