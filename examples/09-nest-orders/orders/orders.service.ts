import { Inject, Injectable } from '@nestjs/common';
import { Runtime, type Flow, type JobState } from 'routilux';
import { InjectFlow, InjectRuntime } from 'routilux/nest';
import { OrderRepository, type Order, type StoredOrder } from './order.repository.js';

/** What the rest of the application calls: place orders, wait for them, read outcomes. */
@Injectable()
export class OrdersService {
  constructor(
    @InjectRuntime() private readonly runtime: Runtime,
    @InjectFlow('orders') readonly flow: Flow,
    @Inject(OrderRepository) private readonly orders: OrderRepository,
  ) {}

  /** Starts one job of the orders flow and returns at once. */
  place(order: Order): JobState {
    return this.runtime.exec('orders', { entryParams: { ...order } });
  }

  /** Resolves once no order job is running. */
  async settle(): Promise<void> {
    await this.runtime.waitUntilAllJobsFinished();
  }

  outcome(orderId: string): StoredOrder | undefined {
    return this.orders.find(orderId);
  }

  outcomes(): StoredOrder[] {
    return this.orders.all();
  }
}
