import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Order, OrderStatus } from '../order.js';
import { toOrder } from './order-row.js';

export type ListOrdersQuery = {
  customerId?: string | undefined;
  status?: OrderStatus | undefined;
  limit: number;
  /** The id of the last order of the previous page. */
  after?: string | undefined;
};

export type OrderPage = { items: Order[]; next: string | null };

/**
 * Newest first by id: ids are UUIDv7, so id order is creation order and the cursor is simply the
 * last id seen (keyset pagination, stable while orders are being added).
 */
export async function listOrders(db: Kysely<DB>, query: ListOrdersQuery): Promise<OrderPage> {
  let select = db.selectFrom('orders').selectAll();
  if (query.customerId !== undefined) select = select.where('customer_id', '=', query.customerId);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (query.after !== undefined) select = select.where('id', '<', query.after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit).map(toOrder);
  const last = page.at(-1);
  return { items: page, next: rows.length > query.limit && last ? last.id : null };
}
