import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderPlaced } from '../../common/events/order-events.js';
import type { DeliveredEvent } from '../inbox/subscriber.js';

/**
 * OrderPlaced: a shipment awaiting pick per order, in one statement. A shipment that already exists
 * without items was opened by a later event that arrived first: it gets its items and keeps its
 * (later) status.
 */
export async function openShipments(
  trx: Transaction<DB>,
  events: (OrderPlaced & DeliveredEvent)[],
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('warehouse.shipments')
    .values(
      events.map((event) => ({
        order_id: event.data.orderId,
        status: 'awaiting_pick',
        customer_id: event.data.customerId,
        items: JSON.stringify(event.data.items),
        placed_at: event.occurredAt,
        updated_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .column('order_id')
        .doUpdateSet((eb) => ({
          customer_id: eb.ref('excluded.customer_id'),
          items: eb.ref('excluded.items'),
          placed_at: eb.ref('excluded.placed_at'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('warehouse.shipments.items', 'is', null),
    )
    .execute();
}
