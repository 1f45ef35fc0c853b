import type { Selectable } from 'kysely';
import type { Orders } from '../../common/db/database.js';
import type { OrderItem } from '../../common/events/order-events.js';
import type { Order, OrderStatus } from '../order.js';

export type OrderRow = Selectable<Orders>;

/** The repository boundary: snake_case rows in, camelCase orders out. */
export function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    customerId: row.customer_id,
    // Written only by this store from validated input, so the stored shape is known.
    items: row.items as OrderItem[],
    status: row.status as OrderStatus,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
