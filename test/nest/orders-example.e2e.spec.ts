import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/index.js';
import { ROUTILUX_MODULE_OPTIONS } from '../../src/nest/index.js';
import { AppModule } from '../../examples/09-nest-orders/app.module.js';
import { OrderRepository, type Order } from '../../examples/09-nest-orders/orders/order.repository.js';
import { HttpError, PaymentClient, type HttpResponse } from '../../examples/09-nest-orders/orders/payment-client.js';
import { OrdersService } from '../../examples/09-nest-orders/orders/orders.service.js';
import { Gate } from '../helpers/gate.js';
import { runScript } from '../helpers/run-script.js';


/** A scripted payment API: answers from `script`, records every call. */
class StubPayments extends PaymentClient {
  readonly calls: Record<string, unknown>[] = [];
  constructor(private readonly script: (body: Record<string, unknown>) => Promise<HttpResponse<unknown>>) {
    super();
  }
  post<T>(_path: string, body: Record<string, unknown>): Promise<HttpResponse<T>> {
    this.calls.push(body);
    return this.script(body) as Promise<HttpResponse<T>>;
  }
}

const order = (orderId: string, card = '4242424242424242', qty = 1): Order => ({ orderId, customer: 'c', card, items: [{ sku: 'x', qty, unitPrice: 10 }] });

const apps: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function boot(payments: PaymentClient, shutdown?: { drainTimeout: number; grace: number }): Promise<INestApplicationContext> {
  let builder = Test.createTestingModule({ imports: [AppModule] }).overrideProvider(PaymentClient).useValue(payments);
  if (shutdown !== undefined) builder = builder.overrideProvider(ROUTILUX_MODULE_OPTIONS).useValue({ concurrency: 4, shutdown });
  const app = await builder.compile();
  app.enableShutdownHooks();
  await app.init();
  apps.push(app);
  return app;
}

describe('examples/09-nest-orders (e2e through @nestjs/testing)', () => {
  it('should boot the app, run order jobs through injected routines and store the outcomes', async () => {
    const payments = new StubPayments(async (body) => {
      if (String(body['card']).startsWith('4000')) throw new HttpError(402, 'card declined');
      return { status: 201, body: { paymentId: `p-${String(body['amount'])}` } };
    });
    const app = await boot(payments);
    const service = app.get(OrdersService);
    const jobs = [service.place(order('a', undefined, 2)), service.place({ ...order('b'), items: [] }), service.place(order('c', '4000000000000002'))];
    await service.settle();
    expect(jobs.map((j) => j.status)).toEqual(['completed', 'completed', 'failed']);
    expect(app.get(OrderRepository).all()).toEqual([
      { orderId: 'a', status: 'paid', total: 20, paymentId: 'p-20' },
      { orderId: 'b', status: 'rejected', reason: 'no items' },
    ]);
    expect(payments.calls.map((c) => c['card'])).toEqual(['4242424242424242', '4000000000000002']); // a 402 is not retried
    expect(jobs[2]!.error).toMatchObject({ code: 'ROUTINE_FAILED', routineId: 'charge' });
    expect(service.flow.flowId).toBe('orders');
  });

  it('should drain a running order when the app closes', async () => {
    const gate = new Gate();
    const app = await boot(new StubPayments(() => gate.wait().then(() => ({ status: 201, body: { paymentId: 'late' } }))));
    const service = app.get(OrdersService);
    const job = service.place(order('slow'));
    await gate.whenWaiting(1);
    const closing = app.close();
    apps.splice(apps.indexOf(app), 1);
    gate.open();
    await closing;
    expect(job.status).toBe('completed');
    expect(app.get(OrderRepository).find('slow')).toMatchObject({ status: 'paid', paymentId: 'late' });
  });

  it('should cancel orders still running after the drain timeout, leaving none running', async () => {
    const gate = new Gate();
    const app = await boot(new StubPayments(() => gate.wait().then(() => ({ status: 201, body: { paymentId: 'never' } }))), { drainTimeout: 0, grace: 0 });
    const service = app.get(OrdersService);
    const runtime = app.get(Runtime);
    const jobs = [service.place(order('s1')), service.place(order('s2'))];
    await gate.whenWaiting(2);
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(jobs.map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    expect(runtime.listJobs('running')).toEqual([]);
    gate.open(); // the abandoned handlers finish; their late emits are fenced off
    await Promise.resolve();
    expect(app.get(OrderRepository).all()).toEqual([]);
  });

  it('should run with the one command of its README', async () => {
    const run = await runScript('examples/09-nest-orders/main.ts');
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('o-3 job completed paid 39.90 as pay_2 after 1 retry');
    expect(run.stdout).toContain('o-4 job failed    not stored (ROUTINE_FAILED');
    expect(run.stdout).toContain('application closed: runtime shut down true, jobs still running 0');
    expect(run.stdout).toContain('nest-orders: OK');
  });
});
