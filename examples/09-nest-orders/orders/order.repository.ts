import { Injectable } from '@nestjs/common';

/** An order as it enters the flow. */
export interface Order {
  readonly orderId: string;
  readonly customer: string;
  readonly items: readonly { readonly sku: string; readonly qty: number; readonly unitPrice: number }[];
  readonly card: string;
}

/** What the flow stores for each order. */
export interface StoredOrder {
  readonly orderId: string;
  readonly status: 'paid' | 'rejected';
  readonly total?: number;
  readonly paymentId?: string;
  readonly reason?: string;
}

/** The orders table. In a real app this wraps a database client; here it is in memory. */
@Injectable()
export class OrderRepository {
  private readonly rows = new Map<string, StoredOrder>();

  async save(order: StoredOrder): Promise<void> {
    await Promise.resolve(); // a database round trip
    this.rows.set(order.orderId, order);
  }

  find(orderId: string): StoredOrder | undefined {
    return this.rows.get(orderId);
  }

  all(): StoredOrder[] {
    return [...this.rows.values()].sort((a, b) => a.orderId.localeCompare(b.orderId));
  }
}
