import type { Transaction } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { Order } from '../order.js';

export async function insertOrder(trx: Transaction<DB>, order: Order): Promise<void> {
  await trx
    .insertInto('orders')
    .values({
      id: order.id,
      customer_id: order.customerId,
      status: order.status,
      items: JSON.stringify(order.items),
      version: order.version,
      created_at: order.createdAt,
      updated_at: order.updatedAt,
    })
    .execute();
}
