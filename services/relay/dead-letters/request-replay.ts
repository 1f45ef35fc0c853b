import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { filterCondition, type DeadLetterFilter } from './dead-letter-filter.js';

/**
 * `partition` narrows either to the dead letters of that partition (of the subscriptions selected);
 * `filter` to the letters matching it (their orders' other letters still come along).
 */
export type ReplaySelection = (
  { eventId: string; subscription?: string } | { subscription: string; all: true }
) & { partition?: number; filter?: DeadLetterFilter };

/**
 * Marks parked dead letters for replay, together with the other open letters of their orders (the
 * held followers come right after the parked event, in order); the relay that owns each stream
 * delivers them before its next batch. Returns the subscriptions and event ids marked.
 */
export async function requestReplay(
  db: Kysely<DB>,
  selection: ReplaySelection,
): Promise<{ subscription: string; eventId: string }[]> {
  let selected = db
    .selectFrom('dead_letters')
    .select(['subscription_name', 'aggregate_id'])
    .where('replayed_at', 'is', null);
  if ('eventId' in selection) selected = selected.where('event_id', '=', selection.eventId);
  if (selection.subscription) selected = selected.where('subscription_name', '=', selection.subscription);
  if (selection.partition !== undefined) selected = selected.where('partition', '=', selection.partition);
  if (selection.filter) selected = selected.where(filterCondition('dead_letters', selection.filter));
  const rows = await db
    .updateTable('dead_letters')
    .set({ replay_requested_at: sql`now()` })
    .where('replayed_at', 'is', null)
    .where((eb) =>
      eb(
        eb.refTuple('subscription_name', 'aggregate_id'),
        'in',
        selected.$asTuple('subscription_name', 'aggregate_id'),
      ),
    )
    .returning(['subscription_name', 'event_id'])
    .execute();
  return rows.map((row) => ({ subscription: row.subscription_name, eventId: row.event_id }));
}
