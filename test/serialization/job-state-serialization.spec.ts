import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorHandler, Flow, JobState, RoutineBase, type ExecutionContext } from '../../src/index.js';
import { codeOf, codeOfAsync } from '../helpers/errors.js';

class Fanout extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('out');
    this.defineSlot('trigger', (data: { n: number }, ctx: ExecutionContext) => {
      ctx.jobState.updateSharedData('started', true);
      ctx.jobState.appendToSharedLog({ msg: 'fan-out', n: data.n });
      for (let i = 0; i < data.n; i++) this.emit('out', { i });
    });
  }
}

class Gather extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('done');
    this.defineSlot(
      'in',
      (data: { i: number[] }, ctx: ExecutionContext) => {
        this.sendOutput('progress', { count: data.i.length });
        if (data.i.length === 2) this.emitDeferredEvent('done', { at: 2 });
        if (data.i.length === 3) void ctx.flow.pause(ctx.jobState, 'third message', { step: 3 });
      },
      { merge: 'append' },
    );
  }
}

async function pausedJob(): Promise<{ flow: Flow; job: JobState }> {
  const flow = new Flow({ flowId: 'js-flow' });
  flow.addRoutine(new Fanout(), 'fan');
  flow.addRoutine(new Gather(), 'gather');
  flow.connect('fan', 'out', 'gather', 'in');
  const job = await flow.execute('fan', { n: 6 });
  return { flow, job };
}

describe('JobState serialization', () => {
  it('round-trips every field through JSON without loss', async () => {
    const { job } = await pausedJob();
    expect(job.status).toBe('paused');
    const data = job.serialize();
    const text = JSON.stringify(data);
    const copy = JobState.deserialize(JSON.parse(text));
    expect(copy.serialize()).toEqual(data);
    expect(copy.jobId).toBe(job.jobId);
    expect(copy.flowId).toBe('js-flow');
    expect(copy.status).toBe('paused');
    expect(copy.createdAt).toEqual(job.createdAt);
    expect(copy.updatedAt).toEqual(job.updatedAt);
    expect(copy.routineStates).toEqual(job.routineStates);
    expect(copy.executionHistory).toEqual(job.executionHistory);
    expect(copy.sharedData).toEqual(job.sharedData);
    expect(copy.sharedLog).toEqual(job.sharedLog);
    expect(copy.outputLog).toEqual(job.outputLog);
    expect(copy.pendingTasks).toEqual(job.pendingTasks);
    expect(copy.pendingTasks).toHaveLength(3);
    expect(copy.pausePoints).toEqual(job.pausePoints);
    expect(copy.pausePoints[0]).toMatchObject({ reason: 'third message', checkpoint: { step: 3 } });
    expect(copy.deferredEvents).toEqual([{ routineId: 'gather', eventName: 'done', data: { at: 2 } }]);
    expect(copy.tracker.getFlowPerformance()).toEqual(job.tracker.getFlowPerformance());
    expect(copy.tracker.getRoutinePerformance('gather')).toEqual(job.tracker.getRoutinePerformance('gather'));
    expect(typeof data.createdAt).toBe('string');
    expect(data.createdAt).toBe(job.createdAt.toISOString());
  });

  it('resumes a deserialized job on a fresh flow: pending work, buffers and deferred events continue', async () => {
    const { flow, job } = await pausedJob();
    const copy = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    const seen: number[][] = [];
    const flow2 = new Flow({ flowId: 'js-flow' });
    flow2.addRoutine(new Fanout(), 'fan');
    const g = new Gather();
    g.defineSlot('done', (d: { at: number }, ctx) => ctx.jobState.updateSharedData('deferredSeen', d.at));
    flow2.addRoutine(g, 'gather');
    flow2.connect('fan', 'out', 'gather', 'in');
    flow2.connect('gather', 'done', 'gather', 'done');
    copy.setOutputHandler({ handle: (r) => seen.push([(r.data as { count: number }).count]) });
    const done = await flow2.resume(copy);
    expect(done.status).toBe('completed');
    expect(seen).toEqual([[4], [5], [6]]); // the append buffer carried over: counts continue from 3
    expect(done.getSharedData('deferredSeen')).toBe(2);
    expect(done.deferredEvents).toHaveLength(0);
    expect(done.pendingTasks).toHaveLength(0);
    // the original flow can no longer resume a finished copy, but its own job is still paused
    expect(job.status).toBe('paused');
    expect(await codeOfAsync(flow2.resume(done))).toBe('JOB_FINISHED');
    await flow.cancel(job);
  });

  it('keeps retry counts and waiting retries across serialization', async () => {
    let calls = 0;
    const flow = new Flow({ flowId: 'retry-flow' });
    const r = new (class extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', async (_d, ctx: ExecutionContext) => {
          calls++;
          if (ctx.attempt === 1) {
            void ctx.flow.pause(ctx.jobState, 'pause during failure');
            throw new Error('transient');
          }
          ctx.jobState.updateSharedData('attempt', ctx.attempt);
        });
      }
    })();
    r.setErrorHandler(new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 1, retryBackoff: 1 }));
    flow.addRoutine(r, 'r');
    const job = await flow.execute('r');
    expect(job.status).toBe('paused');
    expect(job.pendingTasks).toEqual([expect.objectContaining({ routineId: 'r', slotName: 'trigger', attempt: 2, taskId: 't1' })]);
    const copy = JobState.deserialize(JSON.parse(JSON.stringify(job.serialize())));
    expect(copy.getRoutineState('r')?.retryCount).toBe(1);
    const done = await flow.resume(copy);
    expect(done.status).toBe('completed');
    expect(done.getSharedData('attempt')).toBe(2);
    expect(calls).toBe(2);
  });

  it('refuses data that JSON cannot carry, naming the path', async () => {
    const { flow, job } = await pausedJob();
    // Shared data is checked where it enters the job (api.md §5) ...
    expect(codeOf(() => job.updateSharedData('fn', () => 1))).toBe('INVALID_ARGUMENT');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(codeOf(() => job.updateSharedData('fn', cyclic))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => job.updateSharedData('fn', Number.NaN))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => job.updateSharedData('fn', new Date(0)))).toBe('INVALID_ARGUMENT');
    await flow.cancel(job);
  });

  it('rejects malformed documents with typed errors', async () => {
    const { job } = await pausedJob();
    const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(job.serialize())) as Record<string, unknown>;
    expect(codeOf(() => JobState.deserialize({ ...good(), version: 99 }))).toBe('UNSUPPORTED_VERSION');
    const noVersion = good();
    delete noVersion['version'];
    expect(codeOf(() => JobState.deserialize(noVersion))).toBe('INVALID_FORMAT');
    expect(codeOf(() => JobState.deserialize({ ...good(), type: 'Flow' }))).toBe('INVALID_FORMAT');
    expect(codeOf(() => JobState.deserialize({ ...good(), status: 'exploded' }))).toBe('INVALID_FORMAT');
    expect(codeOf(() => JobState.deserialize({ ...good(), createdAt: 'yesterday' }))).toBe('INVALID_FORMAT');
    expect(codeOf(() => JobState.deserialize({ ...good(), pendingTasks: [{ taskId: 'x' }] }))).toBe('INVALID_FORMAT');
    expect(codeOf(() => JobState.deserialize({ ...good(), sharedData: JSON.parse('{"__proto__":{"polluted":true}}') as unknown }))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => JobState.deserialize(null))).toBe('INVALID_FORMAT');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('pending work for a routine or slot the flow lacks is refused on resume', async () => {
    const { job } = await pausedJob();
    const doc = JSON.parse(JSON.stringify(job.serialize())) as { pendingTasks: { routineId: string; slotName: string }[] };
    const other = new Flow({ flowId: 'js-flow' });
    other.addRoutine(new Fanout(), 'fan');
    expect(await codeOfAsync(other.resume(JobState.deserialize(doc)))).toBe('UNKNOWN_ROUTINE');
    doc.pendingTasks[0]!.slotName = 'nope';
    const { flow } = await pausedJob();
    expect(await codeOfAsync(flow.resume(JobState.deserialize(doc)))).toBe('UNKNOWN_SLOT');
    const foreign = new Flow({ flowId: 'someone-else' });
    expect(await codeOfAsync(foreign.resume(JobState.deserialize(job.serialize())))).toBe('FLOW_MISMATCH');
  });

  it('a policy override for a routine that is not a logic routine of the flow is refused on resume (flow and Runtime check alike)', async () => {
    const { flow, job } = await pausedJob();
    const doc = JSON.parse(JSON.stringify(job.serialize())) as { activationPolicies: Record<string, unknown> };
    doc.activationPolicies = { fan: { type: 'immediate', config: {} } };
    expect(await codeOfAsync(flow.resume(JobState.deserialize(doc)))).toBe('INVALID_DEFINITION');
    doc.activationPolicies = { ghost: { type: 'immediate', config: {} } };
    expect(await codeOfAsync(flow.resume(JobState.deserialize(doc)))).toBe('UNKNOWN_ROUTINE');
  });

  describe('save / load', () => {
    it('writes and reads back a job, creating directories', async () => {
      const { job } = await pausedJob();
      const path = join(mkdtempSync(join(tmpdir(), 'rtx-')), 'a', 'b', 'job.json');
      await job.save(path);
      const loaded = await JobState.load(path);
      expect(loaded.serialize()).toEqual(job.serialize());
    });

    it('missing, truncated and foreign files are typed errors', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rtx-'));
      expect(await codeOfAsync(JobState.load(join(dir, 'missing.json')))).toBe('FILE_NOT_FOUND');
      const { job } = await pausedJob();
      const text = JSON.stringify(job.serialize());
      writeFileSync(join(dir, 'cut.json'), text.slice(0, Math.floor(text.length / 2)));
      expect(await codeOfAsync(JobState.load(join(dir, 'cut.json')))).toBe('INVALID_FORMAT');
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ hello: 'world' }));
      expect(await codeOfAsync(JobState.load(join(dir, 'other.json')))).toBe('INVALID_FORMAT');
      expect(await codeOfAsync(JobState.load(''))).toBe('INVALID_ARGUMENT');
    });
  });
});
