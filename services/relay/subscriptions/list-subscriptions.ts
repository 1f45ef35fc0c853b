import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Subscription } from './subscription.js';

export async function listSubscriptions(db: Kysely<DB>): Promise<Subscription[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select([
      'name',
      'endpoint_url',
      'event_types',
      'enabled',
      'disabled_reason',
      'dedupe_window_ms',
      'partitions',
      'created_at',
    ])
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    endpointUrl: row.endpoint_url,
    eventTypes: row.event_types,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    dedupeWindowMs: Number(row.dedupe_window_ms),
    partitions: row.partitions,
    createdAt: row.created_at,
  }));
}
