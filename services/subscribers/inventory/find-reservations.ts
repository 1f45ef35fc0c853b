import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { InventoryOrder, ReservationLine } from './inventory-state.js';

export type OrderReservations = {
  orderId: string;
  /** Null when the order is unknown here. */
  status: InventoryOrder['status'] | null;
  reservations: ReservationLine[];
};

export async function findReservations(db: Kysely<DB>, orderId: string): Promise<OrderReservations> {
  const order = await db
    .selectFrom('inventory.orders')
    .select('status')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  const lines = await db
    .selectFrom('inventory.reservations')
    .select(['sku', 'quantity', 'reserved', 'committed', 'backordered', 'status'])
    .where('order_id', '=', orderId)
    .orderBy('sku')
    .execute();
  return {
    orderId,
    status: (order?.status as InventoryOrder['status'] | undefined) ?? null,
    reservations: lines.map((line) => ({ ...line, status: line.status as ReservationLine['status'] })),
  };
}
