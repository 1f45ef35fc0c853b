import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../services/common/db/database.js';
import type { OrderEventType } from '../../services/common/events/order-events.js';

export type TestEvent = {
  eventId: string;
  orderId: string;
  version: number;
  type: OrderEventType;
  traceparent?: string;
};

const LIFECYCLE: OrderEventType[] = ['OrderPlaced', 'OrderShipped', 'OrderDelivered'];

/** `orders` orders with `perOrder` events each (placed, shipped, delivered, ...), interleaved by order. */
export function orderEvents(orders: number, perOrder = 3): TestEvent[] {
  const ids = Array.from({ length: orders }, () => randomUUID());
  const events: TestEvent[] = [];
  for (let version = 1; version <= perOrder; version++) {
    for (const orderId of ids) {
      events.push({
        eventId: randomUUID(),
        orderId,
        version,
        type: LIFECYCLE[(version - 1) % LIFECYCLE.length]!,
        traceparent: `00-${randomUUID().replaceAll('-', '')}-${'0'.repeat(15)}1-01`,
      });
    }
  }
  return events;
}

function payloadFor(event: TestEvent): unknown {
  if (event.type === 'OrderPlaced')
    return { orderId: event.orderId, customerId: 'c-1', items: [{ sku: 'SKU-1', quantity: 1 }] };
  if (event.type === 'OrderCancelled') return { orderId: event.orderId, reason: null };
  return { orderId: event.orderId };
}

/**
 * Writes events straight into the outbox, as the Order API would (one transaction per call);
 * `occurredAt` backdates them (default: now).
 */
export async function insertOutboxEvents(
  db: Kysely<DB>,
  events: readonly TestEvent[],
  occurredAt?: Date,
): Promise<void> {
  for (let start = 0; start < events.length; start += 500) {
    await db
      .insertInto('outbox')
      .values(events.slice(start, start + 500).map((event) => outboxRow(event, occurredAt)))
      .execute();
  }
}

export function outboxRow(event: TestEvent, occurredAt = new Date()) {
  return {
    event_id: event.eventId,
    aggregate_type: 'Order',
    aggregate_id: event.orderId,
    aggregate_version: event.version,
    event_type: event.type,
    payload: JSON.stringify(payloadFor(event)),
    metadata: JSON.stringify(event.traceparent ? { traceparent: event.traceparent } : {}),
    occurred_at: occurredAt,
  };
}
