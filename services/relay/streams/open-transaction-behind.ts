import { sql, type RawBuilder } from 'kysely';

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
 * The one place that decides what counts as in progress: every transaction of the server's current
 * snapshot, whatever its database (pg_current_snapshot cannot tell them apart). That is
 * conservative, as it only makes the caller refuse more often. The caller's own transaction is not
 * in the list and writes no outbox rows.
 */
export function openTransactionBehind(txId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select running.xid::text as tx_id, activity.pid
    from pg_snapshot_xip(pg_current_snapshot()) as running(xid)
    left join pg_stat_activity as activity
      on activity.backend_xid = running.xid::xid and activity.leader_pid is null
    where running.xid < ${txId}
    order by running.xid
    limit 1`;
}
