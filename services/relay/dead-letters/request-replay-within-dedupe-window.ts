import { sql, type Kysely } from 'kysely';
import { beyondDedupeWindow } from '../subscriptions/beyond-dedupe-window.js';
import type { DB } from '../../common/db/database.js';
import { requestReplay, type ReplaySelection } from './request-replay.js';

export type ReplayRequest = {
  subscription: string;
  eventId: string;
  /** The event occurred before now minus its subscription's dedupe window (replayed with `force`). */
  beyondDedupeWindow: boolean;
  dedupeWindowMs: number;
};

export type GuardedReplayResult =
  | { ok: true; marked: ReplayRequest[] }
  /** Nothing marked: some selected dead letters are older than their dedupe window. */
  | { ok: false; reason: 'beyond-dedupe-window'; selected: number; beyondDedupeWindow: ReplayRequest[] }
  /** Nothing marked: the selection holds another number of parked letters than was confirmed. */
  | { ok: false; reason: 'selection-changed'; confirmed: number; found: number };

/**
 * requestReplay, refused as a whole (nothing marked) when any dead letter it marks holds an event
 * that occurred before now minus its subscription's dedupe window, unless `force`: the subscriber
 * may no longer remember having processed it, and apply it twice. The marks and the check share a
 * transaction, so exactly the rows marked are the rows checked; so does the confirmed count.
 */
export async function requestReplayWithinDedupeWindow(
  db: Kysely<DB>,
  selection: ReplaySelection,
  force: boolean,
  /** How many parked letters an operator confirmed: a selection that has grown or shrunk since is refused. */
  confirmedParked?: number,
): Promise<GuardedReplayResult> {
  const trx = await db.startTransaction().execute();
  try {
    const letters = await requestReplay(trx, selection);
    const parked = letters.filter((letter) => !letter.held).length;
    if (confirmedParked !== undefined && parked !== confirmedParked) {
      await trx.rollback().execute();
      return { ok: false, reason: 'selection-changed', confirmed: confirmedParked, found: parked };
    }
    const marked = await withDedupeWindow(trx, letters);
    const beyond = marked.filter((request) => request.beyondDedupeWindow);
    if (beyond.length > 0 && !force) {
      await trx.rollback().execute();
      return {
        ok: false,
        reason: 'beyond-dedupe-window',
        selected: marked.length,
        beyondDedupeWindow: beyond,
      };
    }
    await trx.commit().execute();
    return { ok: true, marked };
  } catch (error) {
    await trx.rollback().execute();
    throw error;
  }
}

/** The marked dead letters in stream order, each with its subscription's dedupe window and age. */
async function withDedupeWindow(
  db: Kysely<DB>,
  marked: { subscription: string; eventId: string }[],
): Promise<ReplayRequest[]> {
  if (marked.length === 0) return [];
  const { rows } = await sql<{
    subscription_name: string;
    event_id: string;
    dedupe_window_ms: string;
    beyond: boolean;
  }>`
    select d.subscription_name, d.event_id, s.dedupe_window_ms::text as dedupe_window_ms,
           ${beyondDedupeWindow(sql.ref('d.occurred_at'), sql.ref('s.dedupe_window_ms'))} as beyond
    from dead_letters d join subscriptions s on s.name = d.subscription_name
    where (d.subscription_name, d.event_id) in (
      select * from unnest(${marked.map((row) => row.subscription)}::text[],
                           ${marked.map((row) => row.eventId)}::uuid[]))
    order by d.subscription_name, d.tx_id, d.position`.execute(db);
  return rows.map((row) => ({
    subscription: row.subscription_name,
    eventId: row.event_id,
    beyondDedupeWindow: row.beyond,
    dedupeWindowMs: Number(row.dedupe_window_ms),
  }));
}
