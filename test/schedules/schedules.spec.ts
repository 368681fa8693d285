import { describe, expect, it } from 'vitest';
import { ErrorCode, Flow, FlowRegistry, MISFIRE_GRACE_MS, RoutineBase, Runtime, Schedules, type Clock, type ExecutionContext, type ScheduleOptions } from '../../src/index.js';
import { TestClock } from '../../src/testing/index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A flow whose trigger records when it ran (on the flow's clock) and optionally holds for `holdMs` of that clock. */
function recordingFlow(clock: Clock, holdMs = 0): { flow: Flow; starts: number[]; params: unknown[] } {
  const starts: number[] = [];
  const params: unknown[] = [];
  class Tick extends RoutineBase {
    constructor() {
      super();
      this.defineSlot('trigger', async (data: Record<string, unknown>, ctx: ExecutionContext) => {
        starts.push(clock.now());
        params.push(data);
        if (holdMs > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, holdMs));
        void ctx;
      });
    }
  }
  const flow = new Flow({ flowId: 'tick', clock, executionTimeout: Infinity, executionStrategy: 'concurrent' });
  flow.addRoutine(new Tick(), 'tick');
  return { flow, starts, params };
}

function setup(start: string, holdMs = 0): { clock: TestClock; runtime: Runtime; starts: number[]; params: unknown[] } {
  const clock = new TestClock(new Date(start));
  const registry = new FlowRegistry();
  const { flow, starts, params } = recordingFlow(clock, holdMs);
  registry.registerByName('tick', flow);
  const runtime = new Runtime({ registry, clock, concurrency: 8 });
  return { clock, runtime, starts, params };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('runtime.schedule on a manual clock', () => {
  it('fires a Europe/Berlin cron at the local time across the spring change (02:30 does not exist on 31 March)', async () => {
    const { clock, runtime, starts } = setup('2024-03-29T12:00:00Z');
    const s = runtime.schedule('tick', { cron: '30 2 * * *', timezone: 'Europe/Berlin', overlap: 'skip' });
    expect(iso(s.nextRunAt!)).toBe('2024-03-30T01:30:00.000Z'); // 02:30 CET
    await clock.advance(4 * 24 * HOUR);
    expect(starts.map(iso)).toEqual([
      '2024-03-30T01:30:00.000Z', // 02:30 CET (UTC+1)
      '2024-03-31T01:00:00.000Z', // 02:30 is skipped by the clock change: the next valid time, 03:00 CEST
      '2024-04-01T00:30:00.000Z', // 02:30 CEST (UTC+2)
      '2024-04-02T00:30:00.000Z',
    ]);
    expect(s.info()).toMatchObject({ runs: 4, skipped: 0, missed: 0, status: 'active' });
    await runtime.shutdown();
  });

  it('keeps a 09:00 Europe/Berlin job at 09:00 local on both sides of the spring change', async () => {
    const { clock, runtime, starts } = setup('2024-03-29T12:00:00Z');
    runtime.schedule('tick', { cron: '0 9 * * *', timezone: 'Europe/Berlin', overlap: 'skip' });
    await clock.advance(3 * 24 * HOUR);
    expect(starts.map(iso)).toEqual(['2024-03-30T08:00:00.000Z', '2024-03-31T07:00:00.000Z', '2024-04-01T07:00:00.000Z']);
    await runtime.shutdown();
  });

  it('fires an hourly cron every real hour across the autumn change (02:00 local twice), and a 02:30 daily once', async () => {
    const { clock, runtime, starts } = setup('2024-10-26T23:30:00Z');
    const hourly = runtime.schedule('tick', { id: 'hourly', cron: '0 * * * *', timezone: 'Europe/Berlin', overlap: 'allow' });
    runtime.schedule('tick', { id: 'daily', cron: '30 2 * * *', timezone: 'Europe/Berlin', overlap: 'allow' });
    expect(hourly.upcoming(5).map(iso)).toEqual(['2024-10-27T00:00:00.000Z', '2024-10-27T01:00:00.000Z', '2024-10-27T02:00:00.000Z', '2024-10-27T03:00:00.000Z', '2024-10-27T04:00:00.000Z']);
    await clock.advance(5 * HOUR);
    expect(starts.map(iso)).toEqual([
      '2024-10-27T00:00:00.000Z', // 02:00 CEST
      '2024-10-27T00:30:00.000Z', // daily 02:30 CEST — the first of the two 02:30s only
      '2024-10-27T01:00:00.000Z', // 02:00 CET (the repeated hour)
      '2024-10-27T02:00:00.000Z', // 03:00 CET
      '2024-10-27T03:00:00.000Z',
      '2024-10-27T04:00:00.000Z',
    ]);
    expect(runtime.schedules().map((s) => [s.id, s.info().runs])).toEqual([
      ['hourly', 5],
      ['daily', 1],
    ]);
    await runtime.shutdown();
  });

  it('fires everyMs on a fixed grid from its creation, whatever the zone, with a copy of entryParams per run', async () => {
    const { clock, runtime, starts, params } = setup('2024-03-31T00:15:00Z');
    runtime.schedule('tick', { everyMs: 30 * MIN, overlap: 'skip', entryParams: { batch: { size: 2 } } });
    await clock.advance(2 * HOUR);
    expect(starts.map(iso)).toEqual(['2024-03-31T00:45:00.000Z', '2024-03-31T01:15:00.000Z', '2024-03-31T01:45:00.000Z', '2024-03-31T02:15:00.000Z']);
    expect(params).toEqual(Array.from({ length: 4 }, () => ({ batch: { size: 2 } })));
    expect(params[0]).not.toBe(params[1]);
    await runtime.shutdown();
  });

  describe('overlap (hourly schedule, each job holds 100 minutes)', () => {
    const run = async (overlap: ScheduleOptions['overlap']) => {
      const { clock, runtime, starts } = setup('2024-01-01T00:00:00Z', 100 * MIN);
      const s = runtime.schedule('tick', { cron: '0 * * * *', overlap });
      await clock.advance(3 * HOUR + 30 * MIN);
      const out = { starts: starts.map((t) => (t - Date.UTC(2024, 0, 1)) / MIN), info: s.info() };
      await runtime.shutdown({ drainTimeout: 0, grace: 0 });
      return out;
    };

    it("'skip' drops a tick while its previous job runs", async () => {
      const { starts, info } = await run('skip');
      expect(starts).toEqual([60, 180]); // 02:00 skipped (the 01:00 job runs until 02:40)
      expect(info).toMatchObject({ runs: 2, skipped: 1, queued: 0, running: 1 });
    });

    it("'queue' starts a held tick when the previous job ends, one at a time", async () => {
      const { starts, info } = await run('queue');
      expect(starts).toEqual([60, 160]); // 02:00 waits for 02:40; 03:00 waits for 04:20
      expect(info).toMatchObject({ runs: 2, skipped: 0, queued: 1, running: 1 });
    });

    it("'allow' starts a job at every tick", async () => {
      const { starts, info } = await run('allow');
      expect(starts).toEqual([60, 120, 180]);
      expect(info).toMatchObject({ runs: 3, skipped: 0, queued: 0, running: 2 });
    });

    it("'queue' holds at most maxQueued ticks and counts the rest as skipped", async () => {
      const { clock, runtime, starts } = setup('2024-01-01T00:00:00Z', 10 * HOUR);
      const s = runtime.schedule('tick', { cron: '0 * * * *', overlap: 'queue', maxQueued: 2 });
      await clock.advance(5 * HOUR);
      expect(starts).toHaveLength(1);
      expect(s.info()).toMatchObject({ runs: 1, queued: 2, skipped: 2 });
      await runtime.shutdown({ drainTimeout: 0, grace: 0 });
    });
  });

  it('pauses, resumes and removes; lists what is not removed', async () => {
    const { clock, runtime, starts } = setup('2024-01-01T00:00:00Z');
    const a = runtime.schedule('tick', { id: 'a', cron: '0 * * * *', overlap: 'skip' });
    const b = runtime.schedule('tick', { everyMs: HOUR, overlap: 'skip' });
    expect(b.id).toBe('tick#1');
    expect(runtime.schedules()).toEqual([a, b]);
    b.remove();
    expect(runtime.schedules()).toEqual([a]);
    expect(b.status).toBe('removed');
    expect(codeOf(() => b.pause())).toBe(ErrorCode.INVALID_STATE);

    await clock.advance(HOUR); // 01:00 runs
    a.pause();
    expect(a.status).toBe('paused');
    expect(a.nextRunAt).toBeUndefined();
    await clock.advance(2 * HOUR + 30 * MIN); // 02:00 and 03:00 are not run, and not missed
    a.resume();
    expect(iso(a.nextRunAt!)).toBe('2024-01-01T04:00:00.000Z');
    await clock.advance(HOUR);
    expect(starts.map(iso)).toEqual(['2024-01-01T01:00:00.000Z', '2024-01-01T04:00:00.000Z']);
    expect(a.info()).toMatchObject({ runs: 2, missed: 0, skipped: 0 });
    a.remove();
    expect(runtime.schedules()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    await runtime.shutdown();
  });

  describe('missed runs', () => {
    it("after downtime (lastRunAt), catchUp 'one' runs once at once for every missed instant", async () => {
      const { clock, runtime, starts } = setup('2024-01-01T10:20:00Z');
      const s = runtime.schedule('tick', { cron: '0 * * * *', overlap: 'skip', catchUp: 'one', lastRunAt: new Date('2024-01-01T07:00:00Z') });
      await clock.advance(0);
      expect(starts.map(iso)).toEqual(['2024-01-01T10:20:00.000Z']); // for 08:00, 09:00 and 10:00
      expect(s.info()).toMatchObject({ runs: 1, missed: 2 });
      expect(iso(s.nextRunAt!)).toBe('2024-01-01T11:00:00.000Z');
      await runtime.shutdown();
    });

    it("after downtime, catchUp 'none' drops the missed instants and waits for the next", async () => {
      const { clock, runtime, starts } = setup('2024-01-01T10:20:00Z');
      const s = runtime.schedule('tick', { cron: '0 * * * *', overlap: 'skip', catchUp: 'none', lastRunAt: Date.parse('2024-01-01T07:00:00Z') });
      await clock.advance(45 * MIN);
      expect(starts.map(iso)).toEqual(['2024-01-01T11:00:00.000Z']);
      expect(s.info()).toMatchObject({ runs: 1, missed: 3 });
      await runtime.shutdown();
    });

    it('a wake-up later than the grace is a missed instant; within the grace it is the instant itself', async () => {
      const base = new TestClock(new Date('2024-01-01T00:00:00Z'));
      const late = (lag: number): Clock => ({
        now: () => base.now(),
        monotonic: () => base.monotonic(),
        setTimeout: (fn, ms) => base.setTimeout(fn, ms + lag),
        clearTimeout: (h) => base.clearTimeout(h),
      });
      const startedAt: Record<string, number[]> = { none: [], one: [], slight: [] };
      const host = (key: string, clock: Clock) => ({
        clock,
        startJob: () => {
          startedAt[key]!.push(clock.now());
          return { jobId: `${key}-${startedAt[key]!.length}`, settled: Promise.resolve() };
        },
      });
      const none = new Schedules(host('none', late(5 * MIN))).add('f', { cron: '0 * * * *', overlap: 'allow', catchUp: 'none' });
      const one = new Schedules(host('one', late(5 * MIN))).add('f', { cron: '0 * * * *', overlap: 'allow', catchUp: 'one' });
      const slight = new Schedules(host('slight', late(MISFIRE_GRACE_MS))).add('f', { cron: '0 * * * *', overlap: 'allow', catchUp: 'none' });
      await base.advance(2 * HOUR + 10 * MIN);
      expect(startedAt['none']).toEqual([]);
      expect(none.info()).toMatchObject({ runs: 0, missed: 2 });
      expect(startedAt['one']!.map(iso)).toEqual(['2024-01-01T01:05:00.000Z', '2024-01-01T02:05:00.000Z']);
      expect(one.info()).toMatchObject({ runs: 2, missed: 0 });
      expect(startedAt['slight']!.map(iso)).toEqual(['2024-01-01T01:00:01.000Z', '2024-01-01T02:00:01.000Z']);
      expect(slight.info().missed).toBe(0);
      for (const s of [none, one, slight]) s.remove();
    });
  });

  it('records a start that fails and goes on', async () => {
    const clock = new TestClock(new Date('2024-01-01T00:00:00Z'));
    const registry = new FlowRegistry();
    registry.registerByName('tick', recordingFlow(clock).flow);
    const runtime = new Runtime({ registry, clock });
    const s = runtime.schedule('tick', { cron: '0 * * * *', overlap: 'allow', entryRoutineId: 'nope' });
    await clock.advance(HOUR);
    expect(s.info()).toMatchObject({ runs: 0, lastError: { code: ErrorCode.UNKNOWN_ROUTINE } });
    expect(iso(s.nextRunAt!)).toBe('2024-01-01T02:00:00.000Z');
    await runtime.shutdown();
  });

  it('refuses bad options with INVALID_ARGUMENT saying what to fix, and an unknown flow with UNKNOWN_FLOW', async () => {
    const { runtime } = setup('2024-01-01T00:00:00Z');
    const bad = (options: unknown): string | undefined => codeOf(() => runtime.schedule('tick', options as ScheduleOptions));
    expect(bad({ overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT); // neither cron nor everyMs
    expect(bad({ cron: '0 * * * *', everyMs: 60_000, overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '61 * * * *', overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '0 * * * *', timezone: 'Mars/Olympus', overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ everyMs: 10, overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ everyMs: 60_000, timezone: 'Europe/Berlin', overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '0 * * * *' })).toBe(ErrorCode.INVALID_ARGUMENT); // overlap is required
    expect(bad({ cron: '0 * * * *', overlap: 'sometimes' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '0 * * * *', overlap: 'skip', catchUp: 'all' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '0 * * * *', overlap: 'skip', maxQueued: 3 })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '0 * * * *', overlap: 'skip', entryParams: { when: new Date() } })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(bad({ cron: '0 * * * *', overlap: 'skip', every: 1 })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(codeOf(() => runtime.schedule('nope', { cron: '0 * * * *', overlap: 'skip' }))).toBe(ErrorCode.UNKNOWN_FLOW);
    runtime.schedule('tick', { id: 'x', cron: '0 * * * *', overlap: 'skip' });
    expect(bad({ id: 'x', cron: '0 * * * *', overlap: 'skip' })).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(() => runtime.schedule('tick', { cron: '0 25 * * *', overlap: 'skip' })).toThrow(/cron "0 25 \* \* \*" is not valid .*5 fields/);
    await runtime.shutdown();
  });

  it('stops every schedule when the runtime shuts down', async () => {
    const { clock, runtime, starts } = setup('2024-01-01T00:00:00Z');
    runtime.schedule('tick', { cron: '*/5 * * * *', overlap: 'skip' });
    await runtime.shutdown();
    expect(runtime.schedules()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(HOUR);
    expect(starts).toEqual([]);
    expect(codeOf(() => runtime.schedule('tick', { cron: '0 * * * *', overlap: 'skip' }))).toBeDefined();
  });
});
