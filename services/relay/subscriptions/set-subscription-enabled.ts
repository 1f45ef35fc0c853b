import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

/** Enables or disables a subscription; false when there is no such subscription. */
export async function setSubscriptionEnabled(
  db: Kysely<DB>,
  name: string,
  enabled: boolean,
  reason: string | null = null,
): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ enabled, disabled_reason: enabled ? null : reason, updated_at: sql`now()` })
    .where('name', '=', name)
    .executeTakeFirst();
  if (enabled) {
    // A fresh start: whatever the endpoint suffered before, try it now.
    await db
      .updateTable('relay_streams')
      .set({ next_attempt_at: null, batch_attempts: 0, batch_limit: null })
      .where('subscription_name', '=', name)
      .execute();
  }
  return result.numUpdatedRows === 1n;
}
