import { afterEach, describe, expect, it } from 'vitest';
import { Flow, FlowRegistry, MemoryJobStore, Runtime, RoutineBase, type ExecutionContext, type JobState } from '../../src/index.js';

// runtime.recover() (services.md §7): a second Runtime on the same store continues what the
// first one left. The "crash" here is a Runtime abandoned while a handler hangs: it never
// commits again, exactly what the store sees of a dead process.

interface Run {
  readonly taskId: string;
  readonly attempt: number;
  readonly stage: string;
  readonly runtime: string;
}

let runs: Run[] = [];
let hangAt: { stage: string; runtime: string; until?: Promise<void> } | undefined;
const never = new Promise<void>(() => undefined);

class Stage extends RoutineBase {
  constructor(private readonly stage: string) {
    super();
    if (stage === 's1') this.defineSlot('trigger', (d: Record<string, unknown>, ctx: ExecutionContext) => this.step(d, ctx));
    else this.defineSlot('input', (d: Record<string, unknown>, ctx: ExecutionContext) => this.step(d, ctx));
    this.defineEvent('out', ['n']);
  }

  private async step(data: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    const runtime = String(ctx.jobState.sharedData['_runtime'] ?? '');
    runs.push({ taskId: ctx.taskId, attempt: ctx.attempt, stage: this.stage, runtime: current });
    if (hangAt !== undefined && hangAt.stage === this.stage && hangAt.runtime === current) await (hangAt.until ?? never);
    void runtime;
    ctx.jobState.appendToSharedLog({ stage: this.stage });
    this.emit('out', { n: Number(data['n'] ?? 0) + 1 });
  }
}

/** Which runtime's handlers are running (the handlers of both share the routine instances). */
let current = 'a';

function registry(): FlowRegistry {
  const flow = new Flow({ flowId: 'recover-3' });
  for (const id of ['s1', 's2', 's3']) flow.addRoutine(new Stage(id), id);
  flow.connect('s1', 'out', 's2', 'input');
  flow.connect('s2', 'out', 's3', 'input');
  const reg = new FlowRegistry();
  reg.registerByName('three', flow);
  return reg;
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const open: Runtime[] = [];
function runtime(options: ConstructorParameters<typeof Runtime>[0]): Runtime {
  const r = new Runtime(options);
  open.push(r);
  return r;
}

afterEach(async () => {
  hangAt = undefined;
  runs = [];
  current = 'a';
  // the abandoned runtimes hang on purpose; only the others are shut down
  await Promise.all(open.splice(0).map((r) => Promise.race([r.shutdown({ drainTimeout: 0, grace: 0 }), new Promise((res) => setTimeout(res, 50))])));
});

describe('runtime.recover()', () => {
  it('continues a running job: the in-flight activation runs again with the same taskId and attempt + 1, committed ones never', async () => {
    const store = new MemoryJobStore();
    const reg = registry();
    hangAt = { stage: 's2', runtime: 'a' };
    const a = runtime({ registry: reg, store, owner: 'host-1' });
    const job = a.exec('three', { entryParams: { n: 0 } });
    await until(() => runs.some((r) => r.stage === 's2'));
    const inFlight = runs.find((r) => r.stage === 's2')!;

    current = 'b';
    const b = runtime({ registry: reg, store, owner: 'host-1' }); // the restarted process
    const recovered = await b.recover();
    expect(recovered.map((s) => s.jobId)).toEqual([job.jobId]);
    const state = recovered[0]!;
    expect(await b.waitUntilAllJobsFinished(2000)).toBe(true);
    expect(state.status).toBe('completed');
    expect(runs.filter((r) => r.stage === 's1')).toHaveLength(1); // committed: never again
    const s2 = runs.filter((r) => r.stage === 's2');
    expect(s2.map((r) => [r.taskId, r.attempt, r.runtime])).toEqual([
      [inFlight.taskId, 1, 'a'],
      [inFlight.taskId, 2, 'b'],
    ]);
    expect(runs.filter((r) => r.stage === 's3').map((r) => r.attempt)).toEqual([1]);
    expect(state.sharedLog.map((e) => String(e['stage']))).toEqual(['s1', 's2', 's3']); // framework state: once
    expect((await store.load(job.jobId))?.status).toBe('completed');
    expect(await b.recover()).toEqual([]); // nothing unfinished is left
  });

  it('skips a job whose lease another live Runtime holds, and takes it once that lease has expired', async () => {
    let now = 1_000;
    const store = new MemoryJobStore({ clock: { now: () => now } });
    const reg = registry();
    hangAt = { stage: 's2', runtime: 'a' };
    const a = runtime({ registry: reg, store, owner: 'host-1', leaseTtlMs: 10_000 });
    const job = a.exec('three', { entryParams: { n: 0 } });
    await until(() => runs.some((r) => r.stage === 's2'));
    current = 'b';
    const b = runtime({ registry: reg, store, owner: 'host-2' });
    expect(await b.recover()).toEqual([]);
    expect(b.getJob(job.jobId)).toBeUndefined();
    now += 10_001; // host-1 stopped renewing (it died)
    const recovered = await b.recover();
    expect(recovered.map((s) => s.jobId)).toEqual([job.jobId]);
    expect(await b.waitUntilAllJobsFinished(2000)).toBe(true);
    expect(recovered[0]!.status).toBe('completed');
  });

  it('keeps a paused job paused; resumeJob continues it without re-running what was committed', async () => {
    const store = new MemoryJobStore();
    const reg = registry();
    const a = runtime({ registry: reg, store, owner: 'host-1' });
    hangAt = undefined;
    const job = a.exec('three', { entryParams: { n: 0 } });
    await a.pauseJob(job.jobId, 'hold');
    expect(job.status).toBe('paused');
    const before = runs.length;
    current = 'b';
    // host-1 is gone without a shutdown: its lease stays, so the same owner comes back
    const b = runtime({ registry: reg, store, owner: 'host-1' });
    const [state] = await b.recover();
    expect(state!.status).toBe('paused');
    expect(b.listJobs('paused').map((s) => s.jobId)).toEqual([job.jobId]);
    expect(runs.length).toBe(before);
    await b.resumeJob(job.jobId);
    expect(state!.status).toBe('completed');
    expect(state!.sharedLog).toHaveLength(3);
    expect(runs.filter((r) => r.runtime === 'b').map((r) => r.attempt)).toEqual([2, 1, 1]); // the task pending at the restart is the next attempt
    expect(runs).toHaveLength(3);
  });

  it('a job whose flow is not registered: UNKNOWN_FLOW naming the name to register; the job stays and comes back once it is', async () => {
    const store = new MemoryJobStore();
    hangAt = { stage: 's2', runtime: 'a' };
    const a = runtime({ registry: registry(), store, owner: 'host-1' });
    const job = a.exec('three', { entryParams: { n: 0 } });
    await until(() => runs.some((r) => r.stage === 's2'));
    current = 'b';
    const empty = new FlowRegistry();
    const b = runtime({ registry: empty, store, owner: 'host-1' });
    const error = await b.recover().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNKNOWN_FLOW', details: { failures: [expect.objectContaining({ jobId: job.jobId, flow: 'three', code: 'UNKNOWN_FLOW' })], recovered: [] } });
    expect((error as Error).message).toContain("registerByName('three'");
    expect((await store.load(job.jobId))?.status).toBe('running');
    const other = registry().getByName('three')!;
    empty.registerByName('three', other);
    const [state] = await b.recover();
    expect(state!.jobId).toBe(job.jobId);
    expect(await b.waitUntilAllJobsFinished(2000)).toBe(true);
    expect(state!.status).toBe('completed');
  });

  it('a shutdown suspends running jobs instead of cancelling them, and recover() continues them', async () => {
    const store = new MemoryJobStore();
    const reg = registry();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    hangAt = { stage: 's2', runtime: 'a', until: gate };
    const a = runtime({ registry: reg, store });
    const job: JobState = a.exec('three', { entryParams: { n: 0 } });
    await until(() => runs.some((r) => r.stage === 's1'));
    setTimeout(release, 20); // the in-flight handler ends within the grace
    await a.shutdown({ drainTimeout: 0, grace: 1000 });
    expect(job.status).toBe('paused');
    expect(job.pausePoints.at(-1)?.reason).toBe('runtime shutdown');
    current = 'b';
    const b = runtime({ registry: reg, store });
    const [state] = await b.recover(); // a's leases were given back at shutdown
    expect(state!.jobId).toBe(job.jobId);
    expect(await b.waitUntilAllJobsFinished(2000)).toBe(true);
    expect(state!.status).toBe('completed');
    // nothing lost, nothing duplicated: every stage handled to the end once
    expect(state!.sharedLog.map((e) => String(e['stage']))).toEqual(['s1', 's2', 's3']);
  });

  it('needs a store', async () => {
    const r = runtime({ registry: registry() });
    await expect(r.recover()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(() => new Runtime({ store: new MemoryJobStore(), owner: '' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
