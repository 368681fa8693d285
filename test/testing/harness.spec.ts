import { describe, expect, it } from 'vitest';
import { ErrorHandler, Event, Flow, Routine, RoutineBase, Slot, event, type ExecutionContext, type FlowDefinition } from '../../src/index.js';
import { FlowTestHarness, RoutineTester, TestClock } from '../../src/testing/index.js';
import { Gate } from '../helpers/gate.js';

/** The real service; tests replace it with stubs. */
class Inventory {
  reserve(_sku: string, _qty: number): Promise<boolean> {
    throw new Error('the real inventory is not reachable from tests');
  }
}

@Routine({ name: 'harness-test.reserve' })
class ReserveRoutine extends RoutineBase {
  @Event('reserved') readonly reserved = event<{ sku: string; qty: number }>();
  @Event('rejected') readonly rejected = event<{ sku: string }>();

  constructor(readonly inventory: Inventory) {
    super();
  }

  @Slot('trigger')
  async onTrigger(data: { sku: string; qty: number }, ctx: ExecutionContext): Promise<void> {
    if (await this.inventory.reserve(data.sku, data.qty)) this.reserved.emit(data);
    else this.rejected.emit({ sku: data.sku });
    this.sendOutput('attempt', { attempt: ctx.attempt });
  }
}

@Routine({ name: 'harness-test.notify' })
class NotifyRoutine extends RoutineBase {
  @Slot('input')
  onInput(data: { sku: string }): void {
    this.sendOutput('notice', `reserved ${data.sku}`);
  }
}

const reservation: FlowDefinition = {
  name: 'reservation',
  routines: {
    reserve: { type: ReserveRoutine, errorHandler: new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 1000 }) },
    notify: NotifyRoutine,
  },
  connections: [{ from: ['reserve', 'reserved'], to: ['notify', 'input'] }],
};

function stubInventory(answers: (boolean | Error)[]): Inventory & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    reserve(sku: string) {
      calls.push(sku);
      const next = answers.shift() ?? true;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
}

describe('FlowTestHarness', () => {
  it('should run a defined flow with stubbed services and capture emits, outputs and history', async () => {
    const stub = stubInventory([true]);
    const harness = FlowTestHarness.fromDefinition(reservation, { providers: [{ provide: Inventory, useValue: stub }] });
    const run = await harness.run('reserve', { sku: 'A-1', qty: 2 });
    expect(run.status).toBe('completed');
    expect(run.emits.map((e) => [e.routineId, e.event, e.data])).toEqual([['reserve', 'reserved', { sku: 'A-1', qty: 2 }]]);
    expect(run.emitsOf('reserve', 'rejected')).toEqual([]);
    expect(run.outputsOf('notify', 'notice')).toEqual(['reserved A-1']);
    expect(run.outputsOf(undefined, 'attempt')).toEqual([{ attempt: 1 }]);
    expect(run.failures).toEqual([]);
    expect(run.history[0]).toMatchObject({ routineId: 'reserve', eventName: 'start' });
    expect(harness.resolve(Inventory)).toBe(stub);
    expect(stub.calls).toEqual(['A-1']);
    await harness.close();
  });

  it('should skip retry backoffs on its TestClock and report each failed attempt', async () => {
    const stub = stubInventory([new Error('timeout'), new Error('timeout'), true]);
    const clock = new TestClock();
    const harness = FlowTestHarness.fromDefinition(reservation, { providers: [{ provide: Inventory, useValue: stub }], clock });
    const started = clock.monotonic();
    const run = await harness.run('reserve', { sku: 'B-2', qty: 1 }, { advanceTime: true });
    expect(run.status).toBe('completed');
    expect(run.failures.map((f) => [f.routineId, f.slot, f.attempt, f.message])).toEqual([
      ['reserve', 'trigger', 1, 'timeout'],
      ['reserve', 'trigger', 2, 'timeout'],
    ]);
    expect(run.outputsOf('reserve', 'attempt')).toEqual([{ attempt: 3 }]);
    expect(clock.monotonic() - started).toBe(3000); // 1000 + 2000 of virtual time
    expect(harness.clock).toBe(clock);
  });

  it('should let a test act while a job runs, and fail the job on timeout in virtual time', async () => {
    const gate = new Gate();
    const harness = FlowTestHarness.fromDefinition(reservation, {
      providers: [{ provide: Inventory, useValue: { reserve: () => gate.wait().then(() => true) } }],
    });
    const { job, finished } = harness.start('reserve', { sku: 'C-3', qty: 1 }, { timeout: 5000, advanceTime: true });
    expect(job.status).toBe('running');
    const run = await finished; // the stub never answers: virtual time reaches the timeout
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('EXECUTION_TIMEOUT');
    gate.open();
  });

  it('should wrap a flow built by hand', async () => {
    const flow = new Flow({ clock: new TestClock() });
    flow.addRoutine(new ReserveRoutine(stubInventory([false])), 'reserve');
    const harness = FlowTestHarness.forFlow(flow);
    const run = await harness.run('reserve', { sku: 'D-4', qty: 1 }, { advanceTime: true });
    expect(run.emitsOf('reserve')).toEqual([{ sku: 'D-4' }]);
    expect(() => harness.resolve(Inventory)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const plain = FlowTestHarness.forFlow(new Flow());
    expect(() => plain.start('x', {}, { advanceTime: true })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('should refuse what it cannot capture faithfully', async () => {
    const clash = new (class extends RoutineBase {
      constructor() {
        super();
        this.defineSlot('trigger', () => undefined);
        this.defineEvent('error');
      }
    })();
    const flow = new Flow();
    flow.addRoutine(clash, 'clash');
    expect(() => FlowTestHarness.forFlow(flow)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));

    const small = FlowTestHarness.fromDefinition({ ...reservation, name: 'small', options: { historyLimit: 1 } }, { providers: [{ provide: Inventory, useValue: stubInventory([true]) }] });
    const run = await small.run('reserve', { sku: 'E', qty: 1 });
    expect(() => run.emits).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});

describe('RoutineTester', () => {
  it('should deliver payloads to any slot of one routine and capture its emits', async () => {
    const tester = RoutineTester.create(ReserveRoutine, { providers: [{ provide: Inventory, useValue: stubInventory([true, false]) }] });
    expect(tester.routineId).toBe('harness-test.reserve');
    const ok = await tester.send('trigger', { sku: 'A', qty: 1 });
    expect(ok.emitsOf(tester.routineId, 'reserved')).toEqual([{ sku: 'A', qty: 1 }]);
    const no = await tester.send('trigger', { sku: 'B', qty: 1 });
    expect(no.emits.map((e) => e.event)).toEqual(['rejected']);
    expect(ok.job).not.toBe(no.job);
    await expect(tester.send('nope', {})).rejects.toMatchObject({ code: 'UNKNOWN_SLOT' });
    await tester.close();
  });

  it('should test a non-trigger slot of an instance, with config and retries in virtual time', async () => {
    const notify = new NotifyRoutine();
    const tester = RoutineTester.create(notify);
    const run = await tester.send('input', { sku: 'Z' });
    expect(run.status).toBe('completed');
    expect(run.outputsOf()).toEqual(['reserved Z']);
    expect(tester.routine).toBe(notify);

    const flaky = RoutineTester.create(ReserveRoutine, {
      providers: [{ provide: Inventory, useValue: stubInventory([new Error('down'), true]) }],
      errorHandler: new ErrorHandler({ strategy: 'retry', maxRetries: 1, retryDelay: 250 }),
    });
    const retried = await flaky.send('trigger', { sku: 'R', qty: 1 }, { advanceTime: true });
    expect(retried.failures.map((f) => f.attempt)).toEqual([1]);
    expect(retried.emitsOf(flaky.routineId, 'reserved')).toEqual([{ sku: 'R', qty: 1 }]);
    expect(flaky.clock.requestedDelays).toContain(250);
    expect(() => RoutineTester.create(notify, { providers: [Inventory] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
