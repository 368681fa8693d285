/**
 * 10 — typed wiring: the compiler checks event and slot names, payloads and mappings.
 *
 * `flow.wire` names routines by the ids `addRoutine` returned and events and slots by the
 * members of their classes; `defineFlow({ wires })` does the same with the ids of a
 * definition. Both produce the same connections as `flow.connect` with the declared names.
 * The lines marked `@ts-expect-error` are mistakes the type-check (`npm test`) refuses.
 */
import { Event, Flow, Routine, RoutineBase, Slot, assembleFlow, defineFlow, event, type ExecutionContext, type RoutineClass } from 'routilux';

interface Order {
  readonly id: string;
  readonly sku: string;
  readonly quantity: number;
}

/** Decorated: `accepted` carries an Order. */
@Routine({ name: 'typed.intake' })
class Intake extends RoutineBase {
  @Event('accepted', { params: ['id', 'sku', 'quantity'] })
  readonly accepted = event<Order>();

  @Slot('trigger')
  onTrigger(data: Order): void {
    this.accepted.emit(data);
  }
}

/** Decorated: the slot is named `reserve`, its member is `onReserve`. */
@Routine({ name: 'typed.stock' })
class Stock extends RoutineBase {
  @Slot('reserve')
  onReserve(data: { sku: string; quantity: number }, ctx: ExecutionContext): void {
    ctx.jobState.appendToSharedLog({ line: `stock: reserve ${data.quantity} × ${data.sku}` });
  }
}

/** Programmatic: the definitions are kept in properties, so their payload types are known. */
@Routine({ name: 'typed.ledger' })
class Ledger extends RoutineBase {
  readonly booked = this.defineEvent<{ orderId: string; cents: number }>('booked', ['orderId', 'cents']);
  readonly record = this.defineSlot<{ orderId: string; quantity: number }>('record', (data, ctx) => {
    ctx.jobState.appendToSharedLog({ line: `ledger: order ${data.orderId}` });
    this.emit(this.booked.name, { orderId: data.orderId, cents: data.quantity * 250 });
  });
  readonly total = this.defineSlot<{ cents: number }>('total', (data, ctx) => {
    ctx.jobState.appendToSharedLog({ line: `ledger: total ${(data.cents / 100).toFixed(2)} EUR` });
  });
}

// 1. A flow wired in code.
const flow = new Flow({ flowId: 'typed-orders' });
const intake = flow.addRoutine(Intake, 'intake'); // RoutineId<Intake>
const stock = flow.addRoutine(Stock, 'stock');
const ledger = flow.addRoutine(new Ledger(), 'ledger');

flow.wire(intake, 'accepted', stock, 'onReserve');
const c = flow.wire(intake, 'accepted', ledger, 'record', { id: 'orderId' });
flow.wire(ledger, 'booked', ledger, 'total');
console.log(`connection: ${c.sourceRoutineId}.${c.sourceEvent} → ${c.targetRoutineId}.${c.targetSlot} ${JSON.stringify(c.paramMapping)}`);

function mistakes(): void {
  // @ts-expect-error an Order has no orderId: the slot needs the mapping { id: 'orderId' }
  flow.wire(intake, 'accepted', ledger, 'record');
  // @ts-expect-error misspelled event member
  flow.wire(intake, 'acepted', stock, 'onReserve');
  // @ts-expect-error the member is onReserve; 'reserve' is the declared name (for connect)
  flow.wire(intake, 'accepted', stock, 'reserve');
  // @ts-expect-error "orderid" is not a key of the payload
  flow.wire(intake, 'accepted', ledger, 'record', { orderid: 'orderId' });
}
void mistakes;

const job = await flow.execute(intake, { id: 'o-42', sku: 'tea', quantity: 3 });
for (const entry of job.sharedLog) console.log(entry['line']);
console.log(`job: ${job.status}`);

// 2. The same flow as a definition (what RoutiluxModule.forFeature and RoutiluxApplication take).
const ordersFlow = defineFlow({
  name: 'typed-orders-defined',
  routines: { intake: Intake, stock: Stock, ledger: Ledger },
  wires: (wire) => [
    wire('intake', 'accepted', 'stock', 'onReserve'),
    wire('intake', 'accepted', 'ledger', 'record', { id: 'orderId' }),
    wire('ledger', 'booked', 'ledger', 'total'),
  ],
});
const built = assembleFlow(ordersFlow, (type: RoutineClass<RoutineBase>) => new (type as new () => RoutineBase)());
const same = JSON.stringify(built.connections) === JSON.stringify(flow.connections);
console.log(`definition builds the same connections: ${same}`);
const again = await built.execute('intake', { id: 'o-43', sku: 'coffee', quantity: 2 });
console.log(`definition job: ${again.status}, ${String(again.sharedLog.at(-1)?.['line'])}`);
if (!same || job.status !== 'completed' || again.status !== 'completed') process.exit(1);
