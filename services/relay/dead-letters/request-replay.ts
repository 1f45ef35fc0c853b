import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { filterCondition, type DeadLetterFilter } from './dead-letter-filter.js';

/**
 * `partition` narrows either to the dead letters of that partition (of the subscriptions selected);
 * `filter` to the parked letters matching it (their orders' held followers still come along).
 */
export type ReplaySelection = (
  { eventId: string; subscription?: string } | { subscription: string; all: true }
) & { partition?: number; filter?: DeadLetterFilter };

/**
 * The (subscription, order) pairs whose open letters a replay marks. A whole-subscription
 * selection, filtered or not, picks parked letters only, as `outbox dead-letters` lists them: a
 * held follower's error ("held behind ...") and time are not its order's failure, and matching one
 * by type or age would bring along its parked head, which the filter left out. One event id picks
 * its order whether that event is parked or held.
 */
function selectedOrders(db: Kysely<DB>, selection: ReplaySelection) {
  let selected = db
    .selectFrom('dead_letters')
    .select(['subscription_name', 'aggregate_id'])
    .where('replayed_at', 'is', null);
  if ('eventId' in selection) selected = selected.where('event_id', '=', selection.eventId);
  else selected = selected.where('held', '=', false);
  if (selection.subscription) selected = selected.where('subscription_name', '=', selection.subscription);
  if (selection.partition !== undefined) selected = selected.where('partition', '=', selection.partition);
  if (selection.filter) selected = selected.where(filterCondition('dead_letters', selection.filter));
  return selected;
}

/** The condition "an open letter of a selected order": what requestReplay marks. */
function ofSelectedOrders(db: Kysely<DB>, selection: ReplaySelection) {
  return (eb: ExpressionBuilder<DB, 'dead_letters'>) =>
    eb.and([
      eb('replayed_at', 'is', null),
      eb(
        eb.refTuple('subscription_name', 'aggregate_id'),
        'in',
        selectedOrders(db, selection).$asTuple('subscription_name', 'aggregate_id'),
      ),
    ]);
}

/**
 * Marks parked dead letters for replay, together with the other open letters of their orders (the
 * held followers come right after the parked event, in order); the relay that owns each stream
 * delivers them before its next batch. Returns the letters marked: subscription, event id, held.
 */
export async function requestReplay(
  db: Kysely<DB>,
  selection: ReplaySelection,
): Promise<{ subscription: string; eventId: string; held: boolean }[]> {
  const rows = await db
    .updateTable('dead_letters')
    .set({ replay_requested_at: sql`now()` })
    .where(ofSelectedOrders(db, selection))
    .returning(['subscription_name', 'event_id', 'held'])
    .execute();
  return rows.map((row) => ({ subscription: row.subscription_name, eventId: row.event_id, held: row.held }));
}

/** What a replay of the selection would mark, counted before an operator confirms it. */
export async function countReplayable(
  db: Kysely<DB>,
  selection: ReplaySelection,
): Promise<{ parked: number; held: number }> {
  const row = await db
    .selectFrom('dead_letters')
    .where(ofSelectedOrders(db, selection))
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('held', '=', false).as('parked'),
      eb.fn.countAll<string>().filterWhere('held', '=', true).as('held'),
    ])
    .executeTakeFirstOrThrow();
  return { parked: Number(row.parked), held: Number(row.held) };
}
