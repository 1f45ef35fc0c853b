import { randomUUID } from 'node:crypto';
import type { OrderItem } from '../../../services/common/events/order-events.js';
import { operatorAuthorization } from './operator-authorization.js';

export type Order = { id: string; customerId: string; items: OrderItem[]; status: string; version: number };

export class OrderApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body}`);
  }
}

/**
 * The Order API as a careful client uses it: every command carries an Idempotency-Key and is retried
 * with the same key while the API is unreachable or answers 5xx (a PostgreSQL restart, say), so a
 * retried command never runs twice. Client mistakes (4xx) are not retried. It acts as staff, with
 * an operator's token: it creates orders for many customers, and ships and delivers them.
 */
export class OrderClient {
  constructor(
    readonly baseUrl: string,
    private readonly retryForMs = 60_000,
  ) {}

  create(customerId: string, items: OrderItem[]): Promise<Order> {
    return this.command('/orders', { customerId, items });
  }

  place(id: string): Promise<Order> {
    return this.command(`/orders/${id}/place`);
  }

  ship(id: string): Promise<Order> {
    return this.command(`/orders/${id}/ship`);
  }

  deliver(id: string): Promise<Order> {
    return this.command(`/orders/${id}/deliver`);
  }

  cancel(id: string, reason: string): Promise<Order> {
    return this.command(`/orders/${id}/cancel`, { reason });
  }

  private async command(path: string, body: unknown = {}): Promise<Order> {
    const key = randomUUID();
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': key,
            authorization: await operatorAuthorization(),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.ok) return JSON.parse(text) as Order;
        // 409 with the same key means the first attempt is still running: try again shortly.
        const retriable = response.status >= 500 || (response.status === 409 && attempt > 1);
        if (!retriable) throw new OrderApiError(response.status, text, `POST ${path}`);
        failure = `${response.status} ${text}`;
      } catch (error) {
        if (error instanceof OrderApiError) throw error;
        failure = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline)
        throw new Error(`POST ${path} still failing after ${attempt} attempts: ${failure}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_000)));
    }
  }
}
