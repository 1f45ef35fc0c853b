import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

/** Removes a subscription with its stream and dead letters; false when there was none. */
export async function deleteSubscription(db: Kysely<DB>, name: string): Promise<boolean> {
  const result = await db.deleteFrom('subscriptions').where('name', '=', name).executeTakeFirst();
  return result.numDeletedRows === 1n;
}
