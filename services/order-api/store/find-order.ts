import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Order } from '../order.js';
import { toOrder } from './order-row.js';
import { prepared } from '../../common/db/prepared-statements.js';

export async function findOrder(db: Kysely<DB>, id: string): Promise<Order | undefined> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', id)
    .modifyEnd(prepared)
    .executeTakeFirst();
  return row ? toOrder(row) : undefined;
}
