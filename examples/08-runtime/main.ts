// One Runtime, two flows, many concurrent jobs on a shared budget of 4 activations.
//  - "orders": intake → price (async) → ledger, where the ledger is a *logic* routine with a
//    batchSizePolicy(3): it books priced orders three at a time; a partial batch is left in
//    the job's slot queue, visible after the job completes.
//  - "alerts": a logic routine with allSlotsReadyPolicy() joins a reading with a limit; its
//    jobs are started and fed with runtime.post (no trigger slot involved).
import {
  Flow,
  FlowRegistry,
  Runtime,
  RoutineBase,
  allSlotsReadyPolicy,
  batchSizePolicy,
  type SlotData,
} from 'routilux';

class Intake extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('order', ['sku', 'qty']);
    this.defineSlot('trigger', (data: { customer: string; items: [string, number][] }) => {
      for (const [sku, qty] of data.items) this.emit('order', { customer: data.customer, sku, qty });
    });
  }
}

const PRICES: Record<string, number> = { apple: 0.5, bread: 2.25, cheese: 4.1, dates: 3 };

class Price extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('priced', ['sku', 'qty', 'amount']);
    this.defineSlot('in', async (data: { sku: string; qty: number }) => {
      await new Promise<void>((resolve) => setImmediate(resolve)); // pretend to call a price service
      this.emit('priced', { ...data, amount: Math.round((PRICES[data.sku] ?? 0) * data.qty * 100) / 100 });
    });
  }
}

class Ledger extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('in');
    this.setActivationPolicy(batchSizePolicy(3));
    this.setLogic((slotData: SlotData, _message, jobState) => {
      const batch = slotData['in'] as { sku: string; amount: number }[];
      const total = batch.reduce((sum, p) => sum + p.amount, 0);
      jobState.appendToSharedLog({ booked: batch.map((p) => p.sku), total: Math.round(total * 100) / 100 });
    });
  }
}

class Alert extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('reading');
    this.defineSlot('limit');
    this.setActivationPolicy(allSlotsReadyPolicy());
    this.setLogic((slotData: SlotData) => {
      const { value } = slotData['reading']![0] as { value: number };
      const { max } = slotData['limit']![0] as { max: number };
      this.sendOutput('alert', { value, max, over: value > max });
    });
  }
}

const orders = new Flow({ flowId: 'orders', executionStrategy: 'concurrent', maxWorkers: 4 });
orders.addRoutine(new Intake(), 'intake');
orders.addRoutine(new Price(), 'price');
orders.addRoutine(new Ledger(), 'ledger');
orders.connect('intake', 'order', 'price', 'in');
orders.connect('price', 'priced', 'ledger', 'in');

const alerts = new Flow({ flowId: 'alerts' });
alerts.addRoutine(new Alert(), 'alert');

const registry = FlowRegistry.getInstance();
registry.registerByName('orders', orders);
registry.registerByName('alerts', alerts);

const runtime = new Runtime({ concurrency: 4 });

const customers: [string, [string, number][]][] = [
  ['ann', [['apple', 6], ['bread', 1], ['cheese', 2]]],
  ['bob', [['dates', 4], ['apple', 2], ['bread', 2], ['cheese', 1], ['apple', 10]]],
  ['cy', [['bread', 3]]],
  ['dee', [['cheese', 1], ['dates', 1], ['apple', 1], ['bread', 1], ['dates', 2], ['apple', 4]]],
];
const orderJobs = customers.map(([customer, items]) => runtime.exec('orders', { entryParams: { customer, items } }));

const sensors = runtime.post('alerts', 'alert', 'reading', { value: 71 });
runtime.post('alerts', 'alert', 'limit', { max: 60 }, { jobId: sensors.jobId });
const calm = runtime.post('alerts', 'alert', 'limit', { max: 90 });
runtime.post('alerts', 'alert', 'reading', { value: 42 }, { jobId: calm.jobId });

const finished = await runtime.waitUntilAllJobsFinished(10_000);
console.log(`all jobs finished: ${finished} (${runtime.listJobs('completed').length} completed)`);

customers.forEach(([customer], i) => {
  const job = orderJobs[i]!;
  const leftover = job.getSlotQueue('ledger', 'in').map((p) => p['sku']);
  console.log(`${customer}: ${job.status}, batches ${JSON.stringify(job.sharedLog.map(({ booked, total }) => ({ booked, total })))}, not booked ${JSON.stringify(leftover)}`);
});
for (const job of [sensors, calm]) {
  for (const out of job.outputLog) console.log(`alert job: ${JSON.stringify(out.data)}`);
}

await runtime.shutdown();
const ok = finished && orderJobs.every((j) => j.status === 'completed') && sensors.outputLog.length === 1 && calm.outputLog.length === 1;
console.log(ok ? 'runtime example: OK' : 'runtime example: FAILED');
process.exitCode = ok ? 0 : 1;
