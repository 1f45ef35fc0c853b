import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderCancelled, OrderDelivered, OrderShipped } from '../../common/events/order-events.js';
import type { DeliveredEvent } from '../inbox/subscriber.js';
import { TRANSITIONS } from './shipment.js';

type Advance = (OrderShipped | OrderDelivered | OrderCancelled) & DeliveredEvent;

const TARGET = { OrderShipped: 'shipped', OrderDelivered: 'delivered', OrderCancelled: 'cancelled' } as const;

/**
 * Moves each order's shipment to the event's status, in one statement, only from a status that
 * precedes it. An order with no shipment yet gets one in that status (its OrderPlaced is late; see
 * openShipments). Returns the ids of those events: orders this service had not seen.
 */
export async function advanceShipments(
  trx: Transaction<DB>,
  events: Advance[],
  now: Date,
): Promise<string[]> {
  const first = events[0];
  if (!first) return [];
  const status = TARGET[first.type];
  const rows = await trx
    .insertInto('warehouse.shipments')
    .values(
      events.map((event) => ({
        order_id: event.data.orderId,
        status,
        updated_at: now,
        shipped_at: status === 'shipped' ? event.occurredAt : null,
        delivered_at: status === 'delivered' ? event.occurredAt : null,
        cancelled_at: status === 'cancelled' ? event.occurredAt : null,
        cancel_reason: event.type === 'OrderCancelled' ? event.data.reason : null,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .column('order_id')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          updated_at: eb.ref('excluded.updated_at'),
          // A transition never erases an earlier timestamp (delivered straight from awaiting_pick).
          shipped_at: eb.fn.coalesce('warehouse.shipments.shipped_at', 'excluded.shipped_at'),
          delivered_at: eb.fn.coalesce('warehouse.shipments.delivered_at', 'excluded.delivered_at'),
          cancelled_at: eb.fn.coalesce('warehouse.shipments.cancelled_at', 'excluded.cancelled_at'),
          cancel_reason: eb.fn.coalesce('warehouse.shipments.cancel_reason', 'excluded.cancel_reason'),
        }))
        .where('warehouse.shipments.status', 'in', TRANSITIONS[status]),
    )
    .returning(['order_id', sql<boolean>`xmax = 0`.as('inserted')])
    .execute();
  const inserted = new Set(rows.filter((row) => row.inserted).map((row) => row.order_id));
  return events.filter((event) => inserted.has(event.data.orderId)).map((event) => event.id);
}
