import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

export type SubscriptionChanges = { endpointUrl?: string; eventTypes?: string[] };

export type UpdateResult = { ok: true; changed: boolean } | { ok: false; reason: 'not-found' };

/**
 * Changes where a live subscription is delivered and/or which event types it carries, in place:
 * its streams keep their checkpoints, dead letters and leases. Each stream worker reads its
 * subscription afresh on every step (load-stream.ts), so the next batch goes by the new settings; a
 * batch already in flight finishes by the old ones. Validation is the caller's (subscription.ts).
 */
export async function updateSubscription(
  db: Kysely<DB>,
  name: string,
  changes: SubscriptionChanges,
): Promise<UpdateResult> {
  const found = await db
    .selectFrom('subscriptions')
    .select('name')
    .where('name', '=', name)
    .executeTakeFirst();
  if (!found) return { ok: false, reason: 'not-found' };
  const result = await db
    .updateTable('subscriptions')
    .set({
      ...(changes.endpointUrl === undefined ? {} : { endpoint_url: changes.endpointUrl }),
      ...(changes.eventTypes === undefined ? {} : { event_types: changes.eventTypes }),
      updated_at: sql`now()`,
    })
    .where('name', '=', name)
    .where((eb) =>
      eb.or([
        ...(changes.endpointUrl === undefined ? [] : [eb('endpoint_url', '<>', changes.endpointUrl)]),
        ...(changes.eventTypes === undefined
          ? []
          : [eb('event_types', '<>', sql<string[]>`${changes.eventTypes}::text[]`)]),
      ]),
    )
    .executeTakeFirst();
  return { ok: true, changed: result.numUpdatedRows === 1n };
}
