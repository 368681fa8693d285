import { describe, expect, expectTypeOf, it } from 'vitest';
import { ErrorCode, Event, Routine, RoutineBase, Slot, assembleFlow, defineFlow, event, type FlowDefinition, type NodeRoutine, type RoutineClass } from '../../src/index.js';

interface Order {
  readonly id: string;
  readonly sku: string;
}

@Routine({ name: 'typed-def.intake' })
class Intake extends RoutineBase {
  @Event('accepted') readonly accepted = event<Order>();

  @Slot('trigger')
  onTrigger(data: Order): void {
    this.accepted.emit(data);
  }
}

@Routine({ name: 'typed-def.ledger' })
class Ledger extends RoutineBase {
  readonly lines: string[] = [];
  readonly record = this.defineSlot<{ orderId: string; sku: string }>('record', (data) => {
    this.lines.push(`${data.orderId}:${data.sku}`);
  });
}

const build = (def: FlowDefinition) => assembleFlow(def, (type: RoutineClass<RoutineBase>) => new (type as new () => RoutineBase)());

describe('defineFlow wires (typed wiring of definitions)', () => {
  it('types each node by its class; a type name stays unknown', () => {
    expectTypeOf<NodeRoutine<typeof Intake>>().toEqualTypeOf<Intake>();
    expectTypeOf<NodeRoutine<{ type: typeof Ledger; config: { a: 1 } }>>().toEqualTypeOf<Ledger>();
    expectTypeOf<NodeRoutine<'typed-def.ledger'>>().toEqualTypeOf<unknown>();
  });

  it('builds the connections of the wires after the named ones, with the declared names', async () => {
    const def = defineFlow({
      name: 'typed-orders',
      routines: { intake: Intake, ledger: { type: Ledger }, audit: Ledger },
      connections: [{ from: ['intake', 'accepted'], to: ['audit', 'record'], paramMapping: { id: 'orderId' } }],
      wires: (wire) => [wire('intake', 'accepted', 'ledger', 'record', { id: 'orderId' })],
    });
    const flow = build(def);
    expect(flow.connections).toEqual([
      { sourceRoutineId: 'intake', sourceEvent: 'accepted', targetRoutineId: 'audit', targetSlot: 'record', paramMapping: { id: 'orderId' } },
      { sourceRoutineId: 'intake', sourceEvent: 'accepted', targetRoutineId: 'ledger', targetSlot: 'record', paramMapping: { id: 'orderId' } },
    ]);
    const job = await flow.execute('intake', { id: 'o-7', sku: 'tea' });
    expect(job.status).toBe('completed');
    expect((flow.routines.get('ledger') as Ledger).lines).toEqual(['o-7:tea']);
  });

  it('stores the wires as data (member names), which a plain definition may also carry', () => {
    const def = defineFlow({ name: 'typed-data', routines: { intake: Intake, ledger: Ledger }, wires: (wire) => [wire('intake', 'accepted', 'ledger', 'record', { id: 'orderId' })] });
    expect(def.wires).toEqual([{ from: ['intake', 'accepted'], to: ['ledger', 'record'], paramMapping: { id: 'orderId' } }]);
    expect(Object.isFrozen(def.wires)).toBe(true);
    const plain: FlowDefinition = { name: 'typed-plain', routines: { intake: Intake, ledger: 'typed-def.ledger' }, wires: [{ from: ['intake', 'accepted'], to: ['ledger', 'record'], paramMapping: { id: 'orderId' } }] };
    expect(build(plain).connections).toEqual(build(def).connections);
  });

  it('refuses wrong names, payloads and mappings at compile time', () => {
    const wrong = (): void => {
      defineFlow({
        name: 'w1',
        routines: { intake: Intake, ledger: Ledger },
        // @ts-expect-error without the mapping the slot misses orderId
        wires: (wire) => [wire('intake', 'accepted', 'ledger', 'record')],
      });
      defineFlow({
        name: 'w2',
        routines: { intake: Intake, ledger: Ledger },
        // @ts-expect-error no routine "ledgr"
        wires: (wire) => [wire('intake', 'accepted', 'ledgr', 'record', { id: 'orderId' })],
      });
      defineFlow({
        name: 'w3',
        routines: { intake: Intake, ledger: Ledger },
        // @ts-expect-error no event member "accept"
        wires: (wire) => [wire('intake', 'accept', 'ledger', 'record', { id: 'orderId' })],
      });
      defineFlow({
        name: 'w4',
        routines: { intake: Intake, ledger: Ledger },
        // @ts-expect-error mapping key "ident" is not in the payload
        wires: (wire) => [wire('intake', 'accepted', 'ledger', 'record', { ident: 'orderId' })],
      });
      defineFlow({
        name: 'w5',
        routines: { intake: Intake, ledger: 'typed-def.ledger' },
        // @ts-expect-error a node given by type name has no members the compiler can see
        wires: (wire) => [wire('intake', 'accepted', 'ledger', 'record', { id: 'orderId' })],
      });
    };
    expect(typeof wrong).toBe('function');
  });

  it('checks what wires returns when the definition is made', () => {
    const bad = (wires: unknown): unknown => {
      try {
        return defineFlow({ name: 'bad', routines: { intake: Intake, ledger: Ledger }, wires } as unknown as FlowDefinition);
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(bad('no')).toBe(ErrorCode.INVALID_DEFINITION);
    expect(bad(() => 'no')).toBe(ErrorCode.INVALID_DEFINITION);
    expect(bad(() => [{ from: 'intake.accepted', to: ['ledger', 'record'] }])).toBe(ErrorCode.INVALID_DEFINITION);
    expect(bad([{ from: ['intake', 'accepted'], to: ['ledger', 'record'], extra: 1 }])).toBe(ErrorCode.INVALID_DEFINITION);
    expect(bad((wire: (...a: string[]) => unknown) => [wire('intake', 'accepted', 'nope', 'record')])).toBe(ErrorCode.INVALID_DEFINITION);
    const def = defineFlow({ name: 'late', routines: { intake: Intake, ledger: Ledger }, wires: (wire) => [wire('intake', 'accepted', 'ledger', 'onTrigger' as never)] });
    expect(() => build(def)).toThrowError(expect.objectContaining({ code: ErrorCode.UNKNOWN_SLOT }));
  });
});
