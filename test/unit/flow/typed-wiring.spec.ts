import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ErrorCode,
  Event,
  Flow,
  RoutineBase,
  RoutineRegistry,
  Slot,
  event,
  type Connection,
  type EventMember,
  type ExecutionContext,
  type MappedPayload,
  type RoutineId,
  type SlotMember,
} from '../../../src/index.js';

// The `// @ts-expect-error` lines are the compile-time half of these tests: `tsc -p
// tsconfig.json` (part of `npm test`) fails if any of them compiles. Each such call also
// runs, inside a function that is never called, so the file stays side-effect free.

interface Order {
  readonly id: string;
  readonly sku: string;
  readonly quantity: number;
}

class Intake extends RoutineBase {
  @Event('accepted', { params: ['id', 'sku', 'quantity'] })
  readonly accepted = event<Order>();

  @Event('rejected')
  readonly rejected = event<{ reason: string }>();

  @Slot('trigger')
  onTrigger(data: { id: string; sku: string; quantity: number }): void {
    if (data.quantity > 0) this.accepted.emit(data);
    else this.rejected.emit({ reason: 'empty' });
  }

  helper(): number {
    return 1;
  }
}

class Stock extends RoutineBase {
  readonly seen: unknown[] = [];

  @Slot('reserve')
  onReserve(data: { sku: string; quantity: number }, ctx: ExecutionContext): void {
    this.seen.push([ctx.routineId, data]);
  }

  @Slot('byNumber')
  onNumber(data: { sku: number }): void {
    this.seen.push(data);
  }

  @Slot('audit')
  onAudit(data: { orderId: string }): void {
    this.seen.push(data);
  }
}

/** The programmatic form: members hold what defineEvent<T>() and defineSlot<T>() return. */
class Pricing extends RoutineBase {
  readonly seen: unknown[] = [];
  readonly priced = this.defineEvent<{ sku: string; cents: number }>('priced', ['sku', 'cents']);
  readonly input = this.defineSlot<{ sku: string }>('input', (data) => {
    this.seen.push(data);
    this.emit(this.priced.name, { sku: data.sku, cents: 250 });
  });
  readonly totals = this.defineSlot<{ cents: number }>('totals', (data) => {
    this.seen.push(data);
  });
}

function build(): { flow: Flow; intake: RoutineId<Intake>; stock: RoutineId<Stock>; pricing: RoutineId<Pricing> } {
  const flow = new Flow({ flowId: 'typed' });
  const intake = flow.addRoutine(Intake, 'intake');
  const stock = flow.addRoutine(new Stock(), 'stock');
  const pricing = flow.addRoutine(new Pricing(), 'pricing');
  return { flow, intake, stock, pricing };
}

describe('flow.wire (typed wiring)', () => {
  it('reads events and slots from the class members', () => {
    expectTypeOf<EventMember<Intake>>().toEqualTypeOf<'accepted' | 'rejected'>();
    expectTypeOf<EventMember<Pricing>>().toEqualTypeOf<'priced'>();
    expectTypeOf<SlotMember<Stock>>().toEqualTypeOf<'onReserve' | 'onNumber' | 'onAudit'>();
    expectTypeOf<SlotMember<Pricing>>().toEqualTypeOf<'input' | 'totals'>();
    expectTypeOf<MappedPayload<{ a: number; b: string; z: boolean }, { a: 'b' }>>().toEqualTypeOf<Omit<{ a: number; b: string; z: boolean }, 'b'> & { b: number }>();
  });

  it('returns the id typed by the routine', () => {
    const { intake, stock } = build();
    expectTypeOf(intake).toEqualTypeOf<RoutineId<Intake>>();
    expectTypeOf(stock).toEqualTypeOf<RoutineId<Stock>>();
    expectTypeOf(intake).toMatchTypeOf<string>();
    expect(intake).toBe('intake');
  });

  it('wires a decorated event to a decorated slot and returns the Connection of connect()', () => {
    const { flow, intake, stock } = build();
    const typed = flow.wire(intake, 'accepted', stock, 'onReserve');
    expectTypeOf(typed).toEqualTypeOf<Connection>();
    const plain = new Flow({ flowId: 'plain' });
    plain.addRoutine(Intake, 'intake');
    plain.addRoutine(new Stock(), 'stock');
    expect(typed).toEqual(plain.connect('intake', 'accepted', 'stock', 'reserve'));
    expect(flow.connections).toEqual(plain.connections);
  });

  it('checks the payload after paramMapping', () => {
    const { flow, intake, stock } = build();
    const c = flow.wire(intake, 'accepted', stock, 'onAudit', { id: 'orderId' });
    expect(c).toEqual({ sourceRoutineId: 'intake', sourceEvent: 'accepted', targetRoutineId: 'stock', targetSlot: 'audit', paramMapping: { id: 'orderId' } });
  });

  it('wires the programmatic form, and mixes both forms', () => {
    const { flow, intake, pricing } = build();
    expect(flow.wire(intake, 'accepted', pricing, 'input')).toMatchObject({ sourceEvent: 'accepted', targetSlot: 'input' });
    expect(flow.wire(pricing, 'priced', pricing, 'totals')).toMatchObject({ sourceEvent: 'priced', targetSlot: 'totals' });
  });

  it('counts slots defined in property initializers as defined by the class (serializable)', () => {
    const { flow, intake, pricing } = build();
    RoutineRegistry.register('typed.intake', Intake, { override: true });
    RoutineRegistry.register('typed.pricing', Pricing, { override: true });
    RoutineRegistry.register('typed.stock', Stock, { override: true });
    flow.wire(intake, 'accepted', pricing, 'input');
    const doc = flow.serialize();
    expect(doc.routines['pricing']?.type).toBe('typed.pricing');
    expect(doc.connections).toEqual([{ sourceRoutineId: 'intake', sourceEvent: 'accepted', targetRoutineId: 'pricing', targetSlot: 'input' }]);
  });

  it('delivers through typed connections like through named ones', async () => {
    const { flow, intake, stock, pricing } = build();
    flow.wire(intake, 'accepted', stock, 'onReserve');
    flow.wire(intake, 'accepted', stock, 'onAudit', { id: 'orderId' });
    flow.wire(intake, 'accepted', pricing, 'input');
    const job = await flow.execute(intake, { id: 'o-1', sku: 'tea', quantity: 2 });
    expect(job.status).toBe('completed');
    const s = flow.routines.get(stock) as Stock;
    expect(s.seen).toEqual([
      ['stock', { id: 'o-1', sku: 'tea', quantity: 2 }],
      { id: 'o-1', orderId: 'o-1', sku: 'tea', quantity: 2 },
    ]);
    expect((flow.routines.get(pricing) as Pricing).seen).toEqual([{ id: 'o-1', sku: 'tea', quantity: 2 }]);
  });

  it('refuses a wrong payload at compile time', () => {
    const { flow, intake, stock, pricing } = build();
    const wrong = (): void => {
      // @ts-expect-error Order.sku is a string; the slot expects { sku: number }
      flow.wire(intake, 'accepted', stock, 'onNumber');
      // @ts-expect-error { reason } lacks sku and quantity
      flow.wire(intake, 'rejected', stock, 'onReserve');
      // @ts-expect-error programmatic: { sku, cents } has no orderId
      flow.wire(pricing, 'priced', stock, 'onAudit');
      // @ts-expect-error programmatic slot: { reason } has no cents
      flow.wire(intake, 'rejected', pricing, 'totals');
    };
    expect(typeof wrong).toBe('function');
  });

  it('refuses a wrong name at compile time, and at run time if types were bypassed', () => {
    const { flow, intake, stock, pricing } = build();
    const wrong = (): void => {
      // @ts-expect-error no event member "acepted"
      flow.wire(intake, 'acepted', stock, 'onReserve');
      // @ts-expect-error no slot member "onReserv"
      flow.wire(intake, 'accepted', stock, 'onReserv');
      // @ts-expect-error the declared event name is not a member of the programmatic class
      flow.wire(pricing, 'pricedd', pricing, 'totals');
      // @ts-expect-error RoutineBase members are never slots
      flow.wire(intake, 'accepted', stock, 'setConfig');
      // @ts-expect-error a slot is not an event
      flow.wire(pricing, 'input', pricing, 'totals');
    };
    expect(typeof wrong).toBe('function');
    const untyped = flow as unknown as { wire(...args: unknown[]): Connection };
    expect(() => untyped.wire(intake, 'acepted', stock, 'onReserve')).toThrowError(expect.objectContaining({ code: ErrorCode.UNKNOWN_EVENT }));
    expect(() => untyped.wire(intake, 'accepted', stock, 'onReserv')).toThrowError(expect.objectContaining({ code: ErrorCode.UNKNOWN_SLOT }));
    // a public method that is not a @Slot passes the compiler but not the flow
    expect(() => flow.wire(intake, 'accepted', intake, 'helper')).toThrowError(expect.objectContaining({ code: ErrorCode.UNKNOWN_SLOT, message: expect.stringContaining('onTrigger') }));
    expect(() => untyped.wire('nope', 'accepted', stock, 'onReserve')).toThrowError(expect.objectContaining({ code: ErrorCode.UNKNOWN_ROUTINE }));
    expect(flow.connections).toEqual([]);
  });

  it('refuses a wrong mapping at compile time', () => {
    const { flow, intake, stock } = build();
    const wrong = (): void => {
      // @ts-expect-error mapping key "ident" is not in the payload
      flow.wire(intake, 'accepted', stock, 'onAudit', { ident: 'orderId' });
      // @ts-expect-error mapped to "order" but the slot reads orderId
      flow.wire(intake, 'accepted', stock, 'onAudit', { id: 'order' });
      // @ts-expect-error without the mapping the slot misses orderId
      flow.wire(intake, 'accepted', stock, 'onAudit');
      // @ts-expect-error mapping sku over quantity makes quantity a string
      flow.wire(intake, 'accepted', stock, 'onReserve', { sku: 'quantity' });
    };
    expect(typeof wrong).toBe('function');
  });

  it('accepts a plain string id only through connect', () => {
    const flow = new Flow();
    flow.addRoutine(Intake, 'intake');
    flow.addRoutine(new Stock(), 'stock');
    const wrong = (): void => {
      // @ts-expect-error a plain string carries no routine type
      flow.wire('intake', 'accepted', 'stock', 'onReserve');
    };
    expect(typeof wrong).toBe('function');
    expect(flow.connect('intake', 'accepted', 'stock', 'reserve').targetSlot).toBe('reserve');
  });
});
