import { ErrorHandler, FunctionRegistry, type FlowDefinition } from 'routilux';
import { ChargePayment, OrderIntake, StoreOrder, isRetryablePaymentError } from './order.routines.js';

FunctionRegistry.register('orders.retryable-payment-error', isRetryablePaymentError);

/** intake ─accepted→ charge ─charged→ store.paid;  intake ─rejected→ store.rejected */
export const ordersFlow: FlowDefinition = {
  name: 'orders',
  options: { executionStrategy: 'concurrent', maxWorkers: 2, executionTimeout: 10_000 },
  routines: {
    intake: OrderIntake,
    charge: {
      type: ChargePayment,
      errorHandler: new ErrorHandler({ strategy: 'retry', maxRetries: 2, retryDelay: 20, retryable: 'orders.retryable-payment-error' }),
    },
    store: StoreOrder,
  },
  connections: [
    { from: ['intake', 'accepted'], to: ['charge', 'input'] },
    { from: ['charge', 'charged'], to: ['store', 'paid'] },
    { from: ['intake', 'rejected'], to: ['store', 'rejected'] },
  ],
};
