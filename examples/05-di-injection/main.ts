/**
 * 05 — dependency injection: services injected into routine constructors (tsyringe).
 *
 * `flow.addRoutine(Class)` resolves the class through the flow's container, so its
 * constructor dependencies are injected. Each flow gets a child container of the
 * application's container: two flows below use the same routine class with different
 * services.
 *
 * Why `@inject(Token)` on every constructor parameter: examples run through `tsx`, which
 * compiles with esbuild, and esbuild does not emit decorator metadata
 * (`design:paramtypes`). Without it tsyringe cannot see the parameter types. Builds made
 * with `tsc` or SWC (`emitDecoratorMetadata` / `decoratorMetadata`, as this repo's vitest
 * setup does) can inject by type alone; explicit tokens work everywhere.
 */
// routilux first: its entry loads `reflect-metadata`, which tsyringe needs before it loads.
import { Flow, Routine, RoutineBase, Slot, Event, event, isRoutiluxError, type ExecutionContext } from 'routilux';
import { container, inject, type InjectionToken } from 'tsyringe';

/** A service: currency rates relative to one base currency. */
class ExchangeRates {
  constructor(private readonly rates: Readonly<Record<string, number>>) {}
  /** Converts `amount` of `currency` into the base currency. */
  toBase(amount: number, currency: string): number {
    const rate = this.rates[currency];
    if (rate === undefined) throw new Error(`no rate for ${currency}`);
    return Math.round(amount * rate * 100) / 100;
  }
}

/** A value token for a plain string. */
const BASE_CURRENCY: InjectionToken<string> = 'BASE_CURRENCY';

@Routine({ name: 'di.price-converter' })
class PriceConverter extends RoutineBase {
  @Event('converted', { params: ['item', 'price'] })
  readonly converted = event<{ item: string; price: string }>();

  constructor(
    @inject(ExchangeRates) private readonly rates: ExchangeRates,
    @inject(BASE_CURRENCY) private readonly base: string,
  ) {
    super();
  }

  @Slot('trigger')
  convert(data: { items: { item: string; amount: number; currency: string }[] }): void {
    for (const { item, amount, currency } of data.items) {
      this.converted.emit({ item, price: `${this.rates.toBase(amount, currency).toFixed(2)} ${this.base}` });
    }
  }
}

@Routine({ name: 'di.price-list' })
class PriceList extends RoutineBase {
  @Slot('input')
  add(data: { item: string; price: string }, ctx: ExecutionContext): void {
    ctx.jobState.appendToSharedLog({ line: `${data.item.padEnd(8)} ${data.price}` });
  }
}

/** Builds the same flow on a child container configured with `rates` and `base`. */
function priceFlow(base: string, rates: Record<string, number>): Flow {
  const scope = container.createChildContainer();
  scope.register(ExchangeRates, { useValue: new ExchangeRates(rates) });
  scope.register(BASE_CURRENCY, { useValue: base });
  const flow = new Flow({ flowId: `prices-${base}`, container: scope });
  const converter = flow.addRoutine(PriceConverter); // resolved through `scope`: dependencies injected
  const list = flow.addRoutine(PriceList);
  flow.connect(converter, 'converted', list, 'input');
  return flow;
}

const items = [
  { item: 'coffee', amount: 3.5, currency: 'EUR' },
  { item: 'tea', amount: 2.8, currency: 'GBP' },
  { item: 'cocoa', amount: 4, currency: 'USD' },
];

let ok = true;
for (const flow of [priceFlow('USD', { USD: 1, EUR: 1.08, GBP: 1.27 }), priceFlow('EUR', { EUR: 1, USD: 0.93, GBP: 1.17 })]) {
  const job = await flow.execute('di.price-converter', { items });
  console.log(`\n${flow.flowId}: ${job.status}`);
  for (const entry of job.sharedLog) console.log(`  ${String(entry['line'])}`);
  ok &&= job.status === 'completed' && job.sharedLog.length === items.length;
}

// What happens without explicit tokens depends on the compiler (see the comment at the top).
@Routine({ name: 'di.unannotated' })
class Unannotated extends RoutineBase {
  constructor(readonly rates: ExchangeRates) {
    super();
  }
}
const metadata: unknown = Reflect.getMetadata('design:paramtypes', Unannotated);
console.log(`\nthis run ${metadata === undefined ? 'has no' : 'has'} decorator metadata (design:paramtypes)`);
try {
  const scope = container.createChildContainer();
  scope.register(ExchangeRates, { useValue: new ExchangeRates({ USD: 1 }) });
  new Flow({ container: scope }).addRoutine(Unannotated);
  console.log('a constructor without @inject was resolved by its parameter type');
} catch (error) {
  if (!isRoutiluxError(error)) throw error;
  console.log(`a constructor without @inject could not be resolved: ${error.code}`);
}

process.exitCode = ok ? 0 : 1;
