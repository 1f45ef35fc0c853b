import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Order } from '../order.js';
import { toOrder } from './order-row.js';
import { prepared } from '../../common/db/prepared-statements.js';

/**
 * The order `id`; with `ownedBy`, only if it is that customer's (otherwise undefined, as if it did
 * not exist). The ownership condition is part of the read, not a check after it. Guarded writes
 * need no such condition of their own: they are conditioned on the version read here, and no
 * statement ever changes an order's customer_id (writeChange sets status, version and updated_at
 * only), so an order read as the caller's stays the caller's.
 */
export async function findOrder(db: Kysely<DB>, id: string, ownedBy?: string): Promise<Order | undefined> {
  let select = db.selectFrom('orders').selectAll().where('id', '=', id);
  if (ownedBy !== undefined) select = select.where('customer_id', '=', ownedBy);
  const row = await select.modifyEnd(prepared).executeTakeFirst();
  return row ? toOrder(row) : undefined;
}
