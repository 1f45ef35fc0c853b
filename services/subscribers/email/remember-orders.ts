import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderItem } from '../../common/events/order-events.js';
import { oldestFirst, type HeldNotification } from './held-notifications.js';
import type { KnownOrder } from './render-email.js';

/**
 * Remembers placed orders (the address and items of their later mails) and takes out the
 * notifications held for them, to be sent now, oldest first: one statement, the insert and the
 * delete as parts of it.
 */
export async function rememberOrders(
  trx: Transaction<DB>,
  orders: KnownOrder[],
  now: Date,
): Promise<HeldNotification[]> {
  if (orders.length === 0) return [];
  const rows = await trx
    .with('remembered', (db) =>
      db
        .insertInto('email.orders')
        .values(
          orders.map((order) => ({
            order_id: order.orderId,
            customer_id: order.customerId,
            items: JSON.stringify(order.items),
            placed_at: now,
          })),
        )
        .onConflict((conflict) => conflict.column('order_id').doNothing()),
    )
    .deleteFrom('email.held_notifications')
    .where(
      'order_id',
      'in',
      orders.map((order) => order.orderId),
    )
    .returning(['event_id', 'order_id', 'kind', 'reason', 'held_at'])
    .execute();
  return oldestFirst(rows);
}

export async function findOrders(trx: Transaction<DB>, orderIds: string[]): Promise<Map<string, KnownOrder>> {
  if (orderIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('email.orders')
    .select(['order_id', 'customer_id', 'items'])
    .where('order_id', 'in', [...new Set(orderIds)])
    .execute();
  return new Map(
    rows.map((row) => [
      row.order_id,
      { orderId: row.order_id, customerId: row.customer_id, items: row.items as OrderItem[] },
    ]),
  );
}
