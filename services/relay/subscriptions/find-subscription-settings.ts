import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { StoredSettings } from './subscription-differences.js';

/** A subscription's settings with its secret (for comparing only: never printed), or undefined. */
export async function findSubscriptionSettings(
  db: Kysely<DB>,
  name: string,
): Promise<StoredSettings | undefined> {
  const row = await db
    .selectFrom('subscriptions')
    .select(['endpoint_url', 'event_types', 'partitions', 'dedupe_window_ms', 'secret'])
    .where('name', '=', name)
    .executeTakeFirst();
  return (
    row && {
      endpointUrl: row.endpoint_url,
      eventTypes: row.event_types,
      partitions: row.partitions,
      dedupeWindowMs: Number(row.dedupe_window_ms),
      secret: row.secret,
    }
  );
}
