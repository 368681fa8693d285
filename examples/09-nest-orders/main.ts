/**
 * 09 — a NestJS application: an order-processing flow whose routines are Nest providers
 * that inject a repository and an HTTP-like payment client. The flow is declared in
 * OrdersModule, injected by name into OrdersService, and run on the application's
 * Runtime; closing the application drains the runtime.
 */
// routilux first: its entry loads reflect-metadata before Nest's decorators run.
import { Runtime } from 'routilux';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { Order } from './orders/order.repository.js';
import { OrdersService } from './orders/orders.service.js';

const orders: Order[] = [
  { orderId: 'o-1', customer: 'ada', card: '4242424242424242', items: [{ sku: 'book', qty: 2, unitPrice: 12.5 }] },
  { orderId: 'o-2', customer: 'alan', card: '5555555555554444', items: [] },
  { orderId: 'o-3', customer: 'grace', card: '4111111111110503', items: [{ sku: 'lamp', qty: 1, unitPrice: 39.9 }] },
  { orderId: 'o-4', customer: 'edsger', card: '4000000000000002', items: [{ sku: 'pen', qty: 10, unitPrice: 1.2 }] },
];

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
const service = app.get(OrdersService);
const runtime = app.get(Runtime);

const jobs = orders.map((o) => service.place(o));
await service.settle();

for (const [i, job] of jobs.entries()) {
  const order = orders[i]!;
  const stored = service.outcome(order.orderId);
  const charge = job.getRoutineState('charge');
  const detail = stored === undefined ? `not stored (${job.error?.code ?? '?'}: ${job.error?.message ?? ''})` : stored.status === 'paid' ? `paid ${stored.total?.toFixed(2)} as ${stored.paymentId}` : `rejected: ${stored.reason}`;
  console.log(`${order.orderId} job ${job.status.padEnd(9)} ${detail}${charge?.retryCount ? ` after ${charge.retryCount} retry` : ''}`);
}

await app.close();
const ok =
  jobs.map((j) => j.status).join() === 'completed,completed,completed,failed' &&
  service.outcomes().map((o) => `${o.orderId}:${o.status}`).join() === 'o-1:paid,o-2:rejected,o-3:paid' &&
  jobs[3]?.error?.code === 'ROUTINE_FAILED';
console.log(`application closed: runtime shut down ${runtime.isShutdown}, jobs still running ${runtime.listJobs('running').length}`);
console.log(`nest-orders: ${ok ? 'OK' : 'FAILED'}`);
process.exitCode = ok ? 0 : 1;
