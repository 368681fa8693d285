/**
 * The flows of the example, registered by name in every process (the client and each
 * worker): `orders` validates an order, prices it and books it.
 */
import { Flow, FlowRegistry, RoutineBase, type ExecutionContext } from 'routilux';

class Validate extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('valid', ['orderId', 'items']);
    this.defineSlot<{ orderId: number; items: number }>('trigger', (order) => {
      if (order.items > 0) this.emit('valid', order);
    });
  }
}

class Price extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('priced', ['orderId', 'total']);
    this.defineSlot<{ orderId: number; items: number }>('in', (order) => this.emit('priced', { orderId: order.orderId, total: order.items * 2.5 }));
  }
}

class Book extends RoutineBase {
  constructor() {
    super();
    this.defineSlot<{ orderId: number; total: number }>('in', (order, ctx: ExecutionContext) => {
      this.sendOutput('booked', { orderId: order.orderId, total: order.total, attempt: ctx.attempt });
    });
  }
}

/** A registry with the `orders` flow. */
export function orderFlows(): FlowRegistry {
  const flow = new Flow({ flowId: 'orders' });
  flow.addRoutine(new Validate(), 'validate');
  flow.addRoutine(new Price(), 'price');
  flow.addRoutine(new Book(), 'book');
  flow.connect('validate', 'valid', 'price', 'in');
  flow.connect('price', 'priced', 'book', 'in');
  const registry = new FlowRegistry();
  registry.registerByName('orders', flow);
  return registry;
}
