import { Inject } from '@nestjs/common';
import { Event, Routine, RoutineBase, Slot, event, type ExecutionContext } from 'routilux';
import { OrderRepository, type Order } from './order.repository.js';
import { HttpError, PaymentClient } from './payment-client.js';

// Constructor parameters name their token with @Inject: `npx tsx` compiles with esbuild,
// which emits no decorator metadata, so Nest could not see the parameter types otherwise.

/** Checks an order and computes its total. */
@Routine({ name: 'orders.intake' })
export class OrderIntake extends RoutineBase {
  @Event('accepted') readonly accepted = event<{ orderId: string; card: string; total: number }>();
  @Event('rejected') readonly rejected = event<{ orderId: string; reason: string }>();

  @Slot('trigger')
  onOrder(order: Order): void {
    if (order.items.length === 0) return this.rejected.emit({ orderId: order.orderId, reason: 'no items' });
    const bad = order.items.find((i) => !(i.qty > 0) || !(i.unitPrice >= 0));
    if (bad !== undefined) return this.rejected.emit({ orderId: order.orderId, reason: `bad line ${bad.sku}` });
    const total = Math.round(order.items.reduce((sum, i) => sum + i.qty * i.unitPrice, 0) * 100) / 100;
    this.accepted.emit({ orderId: order.orderId, card: order.card, total });
  }
}

/** Charges the card through the payment provider's HTTP API. */
@Routine({ name: 'orders.charge' })
export class ChargePayment extends RoutineBase {
  @Event('charged') readonly charged = event<{ orderId: string; total: number; paymentId: string }>();

  constructor(@Inject(PaymentClient) private readonly payments: PaymentClient) {
    super();
  }

  @Slot('input')
  async onAccepted(data: { orderId: string; card: string; total: number }, ctx: ExecutionContext): Promise<void> {
    const res = await this.payments.post<{ paymentId: string }>('/charges', { card: data.card, amount: data.total, idempotencyKey: ctx.taskId });
    this.charged.emit({ orderId: data.orderId, total: data.total, paymentId: res.body.paymentId });
  }
}

/** Writes the outcome to the orders table. */
@Routine({ name: 'orders.store' })
export class StoreOrder extends RoutineBase {
  constructor(@Inject(OrderRepository) private readonly orders: OrderRepository) {
    super();
  }

  @Slot('paid')
  async onPaid(data: { orderId: string; total: number; paymentId: string }): Promise<void> {
    await this.orders.save({ orderId: data.orderId, status: 'paid', total: data.total, paymentId: data.paymentId });
  }

  @Slot('rejected')
  async onRejected(data: { orderId: string; reason: string }): Promise<void> {
    await this.orders.save({ orderId: data.orderId, status: 'rejected', reason: data.reason });
  }
}

/** Retries only what an HTTP error says is worth retrying (registered so the flow stays serializable). */
export function isRetryablePaymentError(error: Error): boolean {
  return !(error instanceof HttpError) || error.retryable;
}
