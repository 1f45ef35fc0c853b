import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { createOrder, type Order } from '../order.js';
import { findOrder } from './find-order.js';

/**
 * The order `id` as its create left it, or undefined when no create of that id committed. A create
 * that lost its connection looks for the id it chose before its first attempt: found, the order is
 * its own (ids are UUIDv7, chosen here), and its reply is the order as created, even if another
 * command has moved it on since.
 */
export async function findOrderAsCreated(db: Kysely<DB>, id: string): Promise<Order | undefined> {
  const current = await findOrder(db, id);
  return (
    current &&
    createOrder({ id: current.id, customerId: current.customerId, items: current.items }, current.createdAt)
  );
}
