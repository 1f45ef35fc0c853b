import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Order } from '../order.js';
import { prepared } from '../../common/db/prepared-statements.js';

export async function insertOrder(db: Kysely<DB>, order: Order): Promise<void> {
  await db
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
    .modifyEnd(prepared)
    .execute();
}
