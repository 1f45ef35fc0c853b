import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderItem } from '../../common/events/order-events.js';
import type { Shipment, ShipmentStatus } from './shipment.js';

export async function findShipment(db: Kysely<DB>, orderId: string): Promise<Shipment | undefined> {
  const row = await db
    .selectFrom('warehouse.shipments')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    orderId: row.order_id,
    status: row.status as ShipmentStatus,
    customerId: row.customer_id,
    items: row.items as OrderItem[] | null,
    placedAt: row.placed_at,
    shippedAt: row.shipped_at,
    deliveredAt: row.delivered_at,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
  };
}
