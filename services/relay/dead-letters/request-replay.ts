import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';

export type ReplaySelection =
  { eventId: string; subscription?: string } | { subscription: string; all: true };

/**
 * Marks parked dead letters for replay; the relay that owns each stream delivers them before its
 * next batch. Returns the subscriptions and event ids marked.
 */
export async function requestReplay(
  db: Kysely<DB>,
  selection: ReplaySelection,
): Promise<{ subscription: string; eventId: string }[]> {
  let query = db
    .updateTable('dead_letters')
    .set({ replay_requested_at: sql`now()` })
    .where('replayed_at', 'is', null);
  if ('eventId' in selection) query = query.where('event_id', '=', selection.eventId);
  if (selection.subscription) query = query.where('subscription_name', '=', selection.subscription);
  const rows = await query.returning(['subscription_name', 'event_id']).execute();
  return rows.map((row) => ({ subscription: row.subscription_name, eventId: row.event_id }));
}
