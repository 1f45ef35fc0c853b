import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { filterCondition, type DeadLetterFilter } from './dead-letter-filter.js';

/** What to discard: one event (in every subscription that parked or held it), or a subscription's. */
export type DiscardSelection = (
  { eventId: string; subscription?: string } | { subscription: string; all: true }
) & { partition?: number; filter?: DeadLetterFilter };

export type DiscardedLetter = { subscription: string; eventId: string; held: boolean };

export type DiscardResult =
  | {
      ok: true;
      discarded: DiscardedLetter[];
      /** Held followers whose parked event was discarded: requested for replay, delivered next. */
      released: { subscription: string; eventId: string }[];
    }
  /** Nothing discarded: a selected letter is being replayed (the relay may be delivering it). */
  | { ok: false; reason: 'replay-requested'; letters: { subscription: string; eventId: string }[] }
  /** Nothing discarded: the selection no longer holds the number of letters that was confirmed. */
  | { ok: false; reason: 'selection-changed'; confirmed: number; found: number };

type Letters = Kysely<DB> | Transaction<DB>;

/** The open letters the selection names, replay-requested ones included (to refuse them). */
function selected(db: Letters, selection: DiscardSelection) {
  let query = db
    .selectFrom('dead_letters')
    .select(['id', 'subscription_name', 'event_id', 'replay_requested_at'])
    .where('replayed_at', 'is', null);
  if ('eventId' in selection) query = query.where('event_id', '=', selection.eventId);
  if (selection.subscription) query = query.where('subscription_name', '=', selection.subscription);
  if (selection.partition !== undefined) query = query.where('partition', '=', selection.partition);
  if (selection.filter) query = query.where(filterCondition('dead_letters', selection.filter));
  return query;
}

/** How many open letters the selection would discard (what a bulk discard asks to confirm). */
export async function countDiscardable(db: Kysely<DB>, selection: DiscardSelection): Promise<number> {
  const row = await selected(db, selection)
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('replay_requested_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Discards open dead letters: moves them to `discarded_dead_letters` (kept for audit with `by` and
 * the time) so the relay never delivers them. An order keeps its order: when the parked letter of
 * an order goes and held followers stay, they are requested for replay, as a replay would release
 * them, and the relay delivers them next, in stream order. Refused as a whole, nothing changed,
 * when a selected letter's replay is under way (the relay may be delivering it right now).
 */
export async function discardDeadLetters(
  db: Kysely<DB>,
  selection: DiscardSelection,
  by: string,
  /** How many letters an operator confirmed: a selection that has grown or shrunk since is refused. */
  confirmed?: number,
): Promise<DiscardResult> {
  return db.transaction().execute(async (trx) => {
    const rows = await selected(trx, selection).forUpdate().execute();
    const busy = rows.filter((row) => row.replay_requested_at !== null);
    if (busy.length > 0)
      return {
        ok: false,
        reason: 'replay-requested',
        letters: busy.map((row) => ({ subscription: row.subscription_name, eventId: row.event_id })),
      };
    if (confirmed !== undefined && rows.length !== confirmed)
      return { ok: false, reason: 'selection-changed', confirmed, found: rows.length };
    if (rows.length === 0) return { ok: true, discarded: [], released: [] };
    // The streams' rows first, as a step that holds events takes them (its checkpoint move): a
    // step under way finishes first, and its held events are released below; a later one sees the
    // parked letters gone (see releaseUnblockedHeld).
    await sql`
      select from relay_streams
      where subscription_name = any(${[...new Set(rows.map((row) => row.subscription_name))]}::text[])
      order by subscription_name, partition
      for update`.execute(trx);
    const ids = rows.map((row) => row.id);
    const { rows: moved } = await sql<{
      subscription_name: string;
      event_id: string;
      held: boolean;
      aggregate_id: string;
    }>`
      with gone as (delete from dead_letters where id = any(${ids}::bigint[]) returning *),
      kept as (insert into discarded_dead_letters (
        subscription_name, partition, event_id, position, tx_id, aggregate_type, aggregate_id,
        aggregate_version, event_type, payload, metadata, occurred_at, error, status_code, attempts,
        held, parked_at, discarded_at, discarded_by)
      select subscription_name, partition, event_id, position, tx_id, aggregate_type, aggregate_id,
             aggregate_version, event_type, payload, metadata, occurred_at, error, status_code, attempts,
             held, parked_at, now(), ${by}
      from gone
      returning subscription_name, event_id, held, aggregate_id, tx_id, position)
      select subscription_name, event_id, held, aggregate_id from kept
      order by subscription_name, tx_id, position`.execute(trx);
    // Orders left with held letters and no parked one ahead of them: nothing would ever release
    // them, so they go on as after a replay of their parked event.
    const orders = [
      ...new Set(
        moved.filter((row) => !row.held).map((row) => `${row.subscription_name}\n${row.aggregate_id}`),
      ),
    ];
    const { rows: released } = orders.length
      ? await sql<{ subscription_name: string; event_id: string }>`
          with released as (
            update dead_letters d set replay_requested_at = now()
            from unnest(${orders.map((o) => o.split('\n')[0])}::text[], ${orders.map((o) => o.split('\n')[1])}::uuid[])
                 as o(subscription_name, aggregate_id)
            where d.subscription_name = o.subscription_name and d.aggregate_id = o.aggregate_id
              and d.replayed_at is null and d.replay_requested_at is null
              and not exists (
                select from dead_letters p
                where p.subscription_name = d.subscription_name and p.aggregate_id = d.aggregate_id
                  and p.replayed_at is null and not p.held)
            returning d.subscription_name, d.event_id, d.tx_id, d.position)
          select subscription_name, event_id from released order by subscription_name, tx_id, position`.execute(
          trx,
        )
      : { rows: [] };
    return {
      ok: true,
      discarded: moved.map((row) => ({
        subscription: row.subscription_name,
        eventId: row.event_id,
        held: row.held,
      })),
      released: released.map((row) => ({ subscription: row.subscription_name, eventId: row.event_id })),
    };
  });
}
