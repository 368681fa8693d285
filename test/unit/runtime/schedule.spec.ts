import { describe, expect, it } from 'vitest';
import { Flow, JobState, RoutineBase, type ExecutionContext } from '../../../src/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** Its trigger schedules a delivery to its internal `later` slot; `cancel` in the trigger data cancels it at once. */
class Later extends RoutineBase {
  constructor(readonly seen: string[] = []) {
    super();
    this.defineSlot('trigger', (data: { delay?: number; cancel?: boolean }, ctx: ExecutionContext) => {
      const id = ctx.schedule('later', { from: ctx.taskId }, data.delay ?? 100);
      ctx.jobState.updateSharedData('timer', id);
      if (data.cancel === true) ctx.jobState.updateSharedData('cancelled', ctx.cancelScheduled(id));
    });
    this.defineSlot('later', (data: { from: string }, ctx: ExecutionContext) => {
      this.seen.push(`${data.from}->${ctx.taskId}@${ctx.clock.now()}`);
    }, { internal: true });
  }
}

function flowWith(clock: ManualClock, routine = new Later()): Flow {
  const flow = new Flow({ flowId: 'later', clock, executionTimeout: Infinity });
  flow.addRoutine(routine, 'r');
  return flow;
}

describe('ctx.schedule', () => {
  it('delivers to the routine after the delay on the flow clock, as its own activation, and the job waits for it', async () => {
    const clock = new ManualClock();
    const routine = new Later();
    const flow = flowWith(clock, routine);
    const job = flow.start('r', { delay: 250 });
    await clock.whenTimers(1);
    expect(job.status).toBe('running');
    const start = clock.now();
    await clock.advance(250);
    await JobState.waitForCompletion(flow, job);
    expect(job.status).toBe('completed');
    expect(routine.seen).toEqual([`t1->${String(job.getSharedData('timer'))}@${start + 250}`]);
  });

  it('cancelScheduled drops the delivery and the job completes without it', async () => {
    const clock = new ManualClock();
    const routine = new Later();
    const job = await flowWith(clock, routine).execute('r', { cancel: true });
    expect(job.status).toBe('completed');
    expect(job.getSharedData('cancelled')).toBe(true);
    expect(routine.seen).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the remaining delay across pause → serialize → resume in a new flow', async () => {
    const clock = new ManualClock();
    const flow = flowWith(clock);
    const job = flow.start('r', { delay: 1000 });
    await clock.whenTimers(1);
    await clock.advance(400);
    await flow.pause(job);
    const doc = JSON.parse(JSON.stringify(job.serialize())) as { pendingTasks: { slotName: string; delayMs: number }[] };
    expect(doc.pendingTasks).toEqual([expect.objectContaining({ slotName: 'later', delayMs: 600 })]);
    const other = new ManualClock();
    const routine = new Later();
    const resumed = flowWith(other, routine).resume(JobState.deserialize(doc));
    await other.whenTimers(1);
    await other.advance(599);
    expect(routine.seen).toEqual([]);
    await other.advance(1);
    expect((await resumed).status).toBe('completed');
    expect(routine.seen).toHaveLength(1);
  });

  it('refuses an unknown slot, a bad delay and a payload that is not a plain object', async () => {
    class Bad extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', (data: { kind: string }, ctx: ExecutionContext) => {
          if (data.kind === 'slot') ctx.schedule('nope', {}, 1);
          if (data.kind === 'delay') ctx.schedule('trigger', {}, -1);
          if (data.kind === 'payload') ctx.schedule('trigger', [] as never, 1);
        });
      }
    }
    const flow = new Flow({ flowId: 'bad' });
    flow.addRoutine(new Bad(), 'b');
    for (const [kind, code] of [['slot', 'UNKNOWN_SLOT'], ['delay', 'INVALID_ARGUMENT'], ['payload', 'INVALID_ARGUMENT']] as const) {
      const job = await flow.execute('b', { kind });
      expect(job.error?.code).toBe(code);
    }
  });
});
