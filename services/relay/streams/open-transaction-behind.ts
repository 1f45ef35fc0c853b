import { sql, type RawBuilder } from 'kysely';
import { FENCE } from './fence.js';

/** A transaction still in progress; its backend's pid when pg_stat_activity shows one. */
export type OpenTransaction = { txId: string; pid: number | null };

/**
 * A query for the oldest transaction still in progress whose id is below `txId` (an xid8 SQL
 * expression): columns `tx_id` (text) and `pid`, no row when there is none. Rows it has written or
 * will write sort before any checkpoint at `txId` in stream order, so a checkpoint put there would
 * pass them unread once they commit. A query rather than a function, to run in the same statement
 * (and so the same snapshot) as the read that chose `txId`: a transaction that commits between two
 * statements would be neither seen by the first nor running in the second.
 *
 * What counts as in progress is what holds the relay's fence: a transaction of this database (or
 * one that cannot be attributed to another), so a transaction open in another database of the
 * server never refuses a rewind, as it never holds a stream. The caller's own transaction is not
 * in the snapshot and writes no outbox rows.
 */
export function openTransactionBehind(txId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select fence.txid::text as tx_id, activity.pid
    from (select ${FENCE} as txid) as fence
    left join pg_stat_activity as activity
      on activity.backend_xid = fence.txid::xid and activity.leader_pid is null
    where fence.txid < ${txId}`;
}
