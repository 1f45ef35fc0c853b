import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DB } from '../../shared/db/database.js';
import { ORDER_AGGREGATE_TYPE, type OrderEvent } from '../../shared/events/order-events.js';
import type { EventMetadata } from '../../shared/events/outbox-event.js';
import type { Order } from '../order.js';

/**
 * Appends the events a command recorded, in the command's own transaction: they commit with the
 * order row or not at all. `aggregate_version` is the order's version after the command.
 */
export async function insertOutboxEvents(
  trx: Transaction<DB>,
  order: Order,
  events: readonly OrderEvent[],
  metadata: EventMetadata,
  occurredAt: Date,
): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({
    event_id: uuidv7(),
    aggregate_type: ORDER_AGGREGATE_TYPE,
    aggregate_id: order.id,
    aggregate_version: order.version,
    event_type: event.type,
    payload: JSON.stringify(event.data),
    metadata: JSON.stringify(metadata),
    occurred_at: occurredAt,
  }));
  await trx.insertInto('outbox').values(rows).execute();
  return rows.map((row) => row.event_id);
}
