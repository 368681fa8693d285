import { afterEach, describe, expect, it } from 'vitest';
import {
  ErrorHandler,
  Event,
  Flow,
  FlowRegistry,
  Routine,
  RoutineBase,
  RoutiluxApplication,
  Slot,
  assembleFlow,
  defineFlow,
  defineModule,
  event,
  type ExecutionContext,
  type FlowDefinition,
} from '../../src/index.js';
import { inject } from 'tsyringe';
import { Gate } from '../helpers/gate.js';
import { codeOf } from '../helpers/errors.js';

const apps: RoutiluxApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function create(...args: Parameters<typeof RoutiluxApplication.create>): RoutiluxApplication {
  const app = RoutiluxApplication.create(...args);
  apps.push(app);
  return app;
}

class TaxTable {
  constructor(readonly rate = 0.2) {}
}

class Ledger {
  readonly lines: string[] = [];
}

@Routine({ name: 'app-test.price' })
class PriceRoutine extends RoutineBase {
  @Event('priced') readonly priced = event<{ item: string; total: number }>();

  constructor(readonly taxes: TaxTable) {
    super();
  }

  @Slot('trigger')
  onTrigger(data: { item: string; net: number }): void {
    this.priced.emit({ item: data.item, total: Math.round(data.net * (1 + this.taxes.rate) * 100) / 100 });
  }
}

@Routine({ name: 'app-test.book' })
class BookRoutine extends RoutineBase {
  constructor(readonly ledger: Ledger) {
    super();
  }

  @Slot('input')
  onInput(data: { item: string; total: number }): void {
    this.ledger.lines.push(`${data.item}:${data.total}${String(this.getConfig('suffix', ''))}`);
  }
}

@Routine({ name: 'app-test.hold' })
class HoldRoutine extends RoutineBase {
  constructor(readonly gate: Gate) {
    super();
  }

  @Slot('trigger')
  async onTrigger(_data: object, ctx: ExecutionContext): Promise<void> {
    await Promise.race([this.gate.wait(), new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))]);
  }
}

@Routine({ name: 'app-test.needs-token' })
class NeedsToken extends RoutineBase {
  constructor(@inject('NOT_PROVIDED') readonly value: string) {
    super();
  }
}

const pricing: FlowDefinition = {
  name: 'pricing',
  routines: { price: PriceRoutine, book: { type: 'app-test.book', config: { suffix: ' EUR' } } },
  connections: [{ from: ['price', 'priced'], to: ['book', 'input'] }],
};

const TaxModule = defineModule({ name: 'taxes', providers: [{ provide: TaxTable, useFactory: () => new TaxTable(0.1) }] });
const PricingModule = defineModule({ name: 'pricing', imports: [TaxModule], providers: [Ledger], routines: [PriceRoutine, BookRoutine], flows: [pricing] });

describe('RoutiluxApplication', () => {
  it('should register services, routines and flows by module and resolve a ready runtime', async () => {
    const app = create({ modules: [PricingModule], concurrency: 3 });
    expect(app.flowNames).toEqual(['pricing']);
    expect(app.runtime.concurrency).toBe(3);
    const flow = app.getFlow('pricing');
    expect(flow.flowId).toBe('pricing');
    const price = flow.routines.get('price') as PriceRoutine;
    expect(price.taxes).toBe(app.resolve(TaxTable)); // constructor injection; factory providers made once
    expect(price.taxes.rate).toBe(0.1);
    expect((flow.routines.get('book') as BookRoutine).ledger).toBe(app.resolve(Ledger));
    expect(flow.container).toBe(app.container);

    app.runtime.exec('pricing', { entryParams: { item: 'tea', net: 10 } });
    app.runtime.exec('pricing', { entryParams: { item: 'cake', net: 5 } });
    expect(await app.runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(app.resolve(Ledger).lines.sort()).toEqual(['cake:5.5 EUR', 'tea:11 EUR']);
    expect(app.registry.getByName('pricing')).toBe(flow);
  });

  it('should give each application its own container, registry and routine instances', async () => {
    const a = create({ modules: [PricingModule] });
    const b = create({ modules: [PricingModule] });
    expect(a.registry).not.toBe(b.registry);
    expect(a.resolve(Ledger)).not.toBe(b.resolve(Ledger));
    expect(a.getFlow('pricing').routines.get('price')).not.toBe(b.getFlow('pricing').routines.get('price'));
  });

  it('should drain running jobs on close and cancel those past the drain timeout', async () => {
    const gate = new Gate();
    const holdModule = defineModule({ name: 'hold', providers: [{ provide: Gate, useValue: gate }], routines: [HoldRoutine], flows: [{ name: 'hold', routines: { hold: HoldRoutine } }] });
    const draining = RoutiluxApplication.create({ modules: [holdModule], shutdown: { drainTimeout: 60_000 } });
    const job = draining.runtime.exec('hold');
    const direct = draining.getFlow('hold').start('hold', {});
    await gate.whenWaiting(2);
    const closed = draining.close();
    expect(draining.close()).toBe(closed); // idempotent
    expect(draining.isClosed).toBe(true);
    gate.open();
    await closed;
    expect([job.status, direct.status]).toEqual(['completed', 'completed']);
    expect(codeOf(() => draining.resolve(Ledger))).toBe('INVALID_STATE');

    const stuck = new Gate();
    const holdModule2 = defineModule({ name: 'hold2', providers: [{ provide: Gate, useValue: stuck }], routines: [HoldRoutine], flows: [{ name: 'hold', routines: { hold: HoldRoutine } }] });
    const aborting = RoutiluxApplication.create({ modules: [holdModule2], shutdown: { drainTimeout: 0, grace: 0 } });
    const jobs = [aborting.runtime.exec('hold'), aborting.getFlow('hold').start('hold', {})];
    await stuck.whenWaiting(2);
    await aborting.close();
    expect(jobs.map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    expect(aborting.runtime.listJobs('running')).toEqual([]);
  });

  it('should use a shared registry when given one and leave it clean on close', async () => {
    const registry = new FlowRegistry();
    const app = RoutiluxApplication.create({ modules: [PricingModule], registry });
    expect(registry.getByName('pricing')).toBe(app.getFlow('pricing'));
    expect(() => RoutiluxApplication.create({ modules: [PricingModule], registry })).toThrow(expect.objectContaining({ code: 'DUPLICATE_FLOW_NAME' }));
    await app.close();
    expect(registry.getByName('pricing')).toBeUndefined();
  });

  it('should reject wiring mistakes with typed errors that say what to fix', () => {
    const unlisted = defineModule({ name: 'unlisted', providers: [TaxTable], flows: [{ name: 'p', routines: { price: PriceRoutine } }] });
    expect(codeOf(() => create({ modules: [unlisted] }))).toBe('INVALID_DEFINITION');
    const twice = defineModule({ name: 'twice', providers: [Ledger] });
    expect(codeOf(() => create({ modules: [PricingModule, twice] }))).toBe('INVALID_DEFINITION');
    const missingService = defineModule({ name: 'no-clock', routines: [NeedsToken], flows: [{ name: 'p', routines: { n: NeedsToken } }] });
    expect(codeOf(() => create({ modules: [missingService] }))).toBe('INVALID_ARGUMENT'); // the routine could not be created: its token is not provided
    expect(codeOf(() => create({ modules: [] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => create({ modules: [{ name: 'x' } as never] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => create({ modules: [PricingModule], concurency: 2 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => create({ modules: [PricingModule], concurrency: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => defineModule({ name: 'bad', routines: [TaxTable as never] }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineModule({ name: 'bad', providers: [{ provide: 'x' } as never] }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineModule({ name: 'bad', providers: [{ provide: 'x', useValue: 1, useClass: Ledger } as never] }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineModule({ name: 'bad', extra: 1 } as never))).toBe('INVALID_DEFINITION');
    const app = create({ modules: [PricingModule] });
    expect(codeOf(() => app.getFlow('nope'))).toBe('UNKNOWN_FLOW');
    expect(codeOf(() => app.resolve('nothing-registered'))).toBe('INVALID_DEFINITION');
  });
});

describe('defineFlow / assembleFlow', () => {
  it('should validate definitions eagerly', () => {
    expect(codeOf(() => defineFlow({ name: 'x', routines: {} }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'bad name!', routines: { a: PriceRoutine } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => defineFlow({ name: 'x', routines: { a: TaxTable as never } }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'x', routines: { a: PriceRoutine }, connections: [{ from: ['a'], to: ['b', 'c'] } as never] }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'x', routines: { a: PriceRoutine }, options: { container: {} } as never }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'x', routines: { a: { type: PriceRoutine, errorHandler: {} as never } } }))).toBe('INVALID_DEFINITION');
    expect(codeOf(() => defineFlow({ name: 'x', routines: { a: PriceRoutine }, extra: true } as never))).toBe('INVALID_DEFINITION');
    const def = defineFlow({ name: 'x', routines: { a: PriceRoutine }, options: { executionStrategy: 'concurrent' } });
    expect(def.options).toEqual({ executionStrategy: 'concurrent', flowId: 'x' });
    expect(Object.isFrozen(def)).toBe(true);
    expect(defineFlow(def)).toBe(def);
  });

  it('should build a flow with the given routine instances, node settings, connections, error handler and setup', async () => {
    const onError = new ErrorHandler({ strategy: 'continue' });
    const seen: string[] = [];
    const flow = assembleFlow(
      { ...pricing, errorHandler: onError, setup: (f) => seen.push(f.flowId) },
      (type, id) => {
        seen.push(`${id}:${type.name}`);
        return type === PriceRoutine ? new PriceRoutine(new TaxTable(0)) : new BookRoutine(new Ledger());
      },
    );
    expect(seen).toEqual(['price:PriceRoutine', 'book:BookRoutine', 'pricing']);
    expect(flow.getErrorHandler()).toBe(onError);
    expect(flow.connections).toEqual([{ sourceRoutineId: 'price', sourceEvent: 'priced', targetRoutineId: 'book', targetSlot: 'input' }]);
    const job = await flow.execute('price', { item: 'x', net: 2 });
    expect(job.status).toBe('completed');
    expect((flow.routines.get('book') as BookRoutine).ledger.lines).toEqual(['x:2 EUR']);
    expect(codeOf(() => assembleFlow(pricing, () => new BookRoutine(new Ledger())))).toBe('INVALID_DEFINITION'); // wrong instance type
    expect(codeOf(() => assembleFlow({ name: 'u', routines: { a: 'app-test.unknown' } }, () => new BookRoutine(new Ledger())))).toBe('UNKNOWN_ROUTINE_TYPE');
    expect(codeOf(() => assembleFlow(pricing, (t) => new (t as typeof BookRoutine)(new Ledger()), new Flow({ flowId: 'other' })))).toBe('INVALID_STATE');
  });
});
