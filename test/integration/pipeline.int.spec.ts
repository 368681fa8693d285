import { container, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { ErrorHandler, Event, Flow, JobState, Routine, RoutineBase, Slot, event, type ExecutionContext } from '../../src/index.js';
import { Ledger, ids } from '../helpers/ledger.js';

@injectable()
class PriceService {
  readonly calls: number[] = [];
  priceOf(item: number): number {
    this.calls.push(item);
    return item * 10;
  }
}

@Routine({ name: 'it.orders.source' })
class OrderSource extends RoutineBase {
  @Event('order', { params: ['item'] }) readonly order = event<{ item: number }>();
  @Slot('trigger') start(data: { items: number[] }) {
    for (const item of data.items) this.order.emit({ item });
  }
}

@Routine({ name: 'it.orders.pricer' })
class Pricer extends RoutineBase {
  @Event('priced') readonly priced = event<{ item: number; price: number }>();
  constructor(private readonly prices: PriceService) {
    super();
  }
  @Slot('in') async price(data: { item: number }, ctx: ExecutionContext) {
    await Promise.resolve();
    if (data.item < 0) throw new Error(`bad item ${data.item}`);
    ctx.jobState.appendToSharedLog({ priced: data.item });
    this.priced.emit({ item: data.item, price: this.prices.priceOf(data.item) });
  }
}

@Routine({ name: 'it.orders.total' })
class Total extends RoutineBase {
  @Slot('in', { merge: 'append' }) sum(data: { price: number[] }, ctx: ExecutionContext) {
    ctx.jobState.updateSharedData('total', data.price.reduce((a, b) => a + b, 0));
    this.sendOutput('running-total', { count: data.price.length });
  }
}

describe('an order pipeline built from decorated, injected routines', () => {
  function build(): { flow: Flow; prices: PriceService } {
    const scope = container.createChildContainer();
    const prices = new PriceService();
    scope.registerInstance(PriceService, prices);
    const flow = new Flow({ container: scope, executionStrategy: 'concurrent', maxWorkers: 3 });
    flow.addRoutine(OrderSource, 'source');
    flow.addRoutine(Pricer, 'pricer');
    flow.addRoutine(Total, 'total');
    flow.connect('source', 'order', 'pricer', 'in');
    flow.connect('pricer', 'priced', 'total', 'in');
    return { flow, prices };
  }

  it('should run end to end with injected services and per-job merges', async () => {
    const { flow, prices } = build();
    expect(flow.validate().filter((i) => i.severity === 'error')).toEqual([]);
    const [a, b] = await Promise.all([flow.execute('source', { items: [1, 2, 3] }), flow.execute('source', { items: [5] })]);
    expect(a.status).toBe('completed');
    expect(a.getSharedData('total')).toBe(60);
    expect(b.getSharedData('total')).toBe(50);
    expect(a.outputLog.map((o) => o.data)).toEqual([{ count: 1 }, { count: 2 }, { count: 3 }]);
    expect(prices.calls.sort()).toEqual([1, 2, 3, 5]);
    expect(a.sharedLog.map((e) => e['priced'])).toEqual([1, 2, 3]);
    expect(a.tracker.getRoutinePerformance('pricer')).toMatchObject({ totalExecutions: 3, completed: 3, failed: 0, successRate: 1 });
  });

  it('should apply a flow-level CONTINUE to a bad order and still total the rest', async () => {
    const { flow } = build();
    flow.setErrorHandler(new ErrorHandler({ strategy: 'continue' }));
    const job = await flow.execute('source', { items: [1, -1, 2] });
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('pricer')?.status).toBe('error_continued');
    expect(job.getSharedData('total')).toBe(30);
  });

  it('100 concurrent jobs × 10-stage linear flow: every job completes, ledger clean, stages in order', async () => {
    const ledger = new Ledger();
    const stages = Array.from({ length: 10 }, (_, i) => `s${i}`);
    class Stage extends RoutineBase {
      constructor(name: string, last: boolean) {
        super();
        this.defineEvent('out');
        this.defineSlot('in', async (data, ctx) => {
          ledger.mark(ctx, String(data['msg']), 'start', name);
          if (Number(data['msg']) % 3 === 0) await new Promise<void>((r) => setImmediate(r));
          if (!last) this.emit('out', data);
          ledger.mark(ctx, String(data['msg']), 'end', name);
        });
      }
    }
    class Entry extends RoutineBase {
      constructor() {
        super();
        this.defineEvent('out');
        this.defineSlot('trigger', (data) => this.emit('out', { msg: data['msg'] }));
      }
    }
    const flow = new Flow({ executionStrategy: 'concurrent', maxWorkers: 8 });
    flow.addRoutine(new Entry(), 'entry');
    stages.forEach((s, i) => flow.addRoutine(new Stage(s, i === stages.length - 1), s));
    flow.connect('entry', 'out', 's0', 'in');
    for (let i = 1; i < stages.length; i++) flow.connect(stages[i - 1]!, 'out', stages[i]!, 'in');
    const jobs = ids(100).map((msg) => flow.start('entry', { msg }));
    await Promise.all(jobs.map((j) => JobState.waitForCompletion(flow, j)));
    expect(jobs.filter((j) => j.status !== 'completed')).toEqual([]);
    const expected = new Map(jobs.map((j, i) => [j.jobId, [String(i)]]));
    const report = ledger.check(expected, stages);
    expect(report).toMatchObject({ lost: [], duplicated: [], unexpected: [], unfinished: [], outOfOrder: [] });
    expect(report.handled).toBe(1000);
  });
});
