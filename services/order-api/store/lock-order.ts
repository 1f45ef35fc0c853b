import type { Transaction } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { Order } from '../order.js';
import { toOrder } from './order-row.js';

/**
 * Reads the order and holds its row lock until the transaction ends: concurrent commands on one
 * order run one after the other, each deciding on the state the previous one committed.
 */
export async function lockOrder(trx: Transaction<DB>, id: string): Promise<Order | undefined> {
  const row = await trx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toOrder(row) : undefined;
}
