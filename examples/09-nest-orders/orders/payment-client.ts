import { Injectable } from '@nestjs/common';

/** An HTTP response as the payment client sees it. */
export interface HttpResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** A failed HTTP call: 5xx are worth retrying, 4xx are not. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`HTTP ${status}: ${message}`);
    this.name = 'HttpError';
  }

  get retryable(): boolean {
    return this.status >= 500;
  }
}

/** The payment provider's API, as the routines use it (the injection token). */
export abstract class PaymentClient {
  abstract post<T>(path: string, body: Record<string, unknown>): Promise<HttpResponse<T>>;
}

/**
 * A stand-in for the provider's HTTP API, so the example runs offline: cards starting
 * with "4000" are declined (402); the first charge of a card ending in "0503" gets a 503.
 */
@Injectable()
export class FakePaymentGateway extends PaymentClient {
  private seq = 0;
  private readonly seen = new Set<string>();

  async post<T>(path: string, body: Record<string, unknown>): Promise<HttpResponse<T>> {
    await Promise.resolve(); // the network
    if (path !== '/charges') throw new HttpError(404, `no route ${path}`);
    const card = String(body['card']);
    if (card.startsWith('4000')) throw new HttpError(402, 'card declined');
    if (card.endsWith('0503') && !this.seen.has(card)) {
      this.seen.add(card);
      throw new HttpError(503, 'gateway busy');
    }
    return { status: 201, body: { paymentId: `pay_${++this.seq}`, amount: body['amount'] } as T };
  }
}
