import type { Transaction } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { Order } from '../order.js';

/**
 * Writes the order's new state. The version guard is a second line of defence behind the row lock:
 * if the row moved anyway, nothing is written and the caller's transaction must fail.
 */
export async function updateOrder(
  trx: Transaction<DB>,
  order: Order,
  previousVersion: number,
): Promise<void> {
  const result = await trx
    .updateTable('orders')
    .set({ status: order.status, version: order.version, updated_at: order.updatedAt })
    .where('id', '=', order.id)
    .where('version', '=', previousVersion)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) {
    throw new Error(`order ${order.id} changed under its row lock (expected version ${previousVersion})`);
  }
}
