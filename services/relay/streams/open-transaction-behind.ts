import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';

/** A transaction still in progress; its backend's pid when pg_stat_activity shows one. */
export type OpenTransaction = { txId: string; pid: number | null };

/**
 * The oldest transaction still in progress whose id is below `txId`, if any. Rows it has written or
 * will write sort before any checkpoint at `txId` in stream order, so a checkpoint put there would
 * pass them unread once they commit.
 *
 * The one place that decides what counts as in progress: every transaction of the server's current
 * snapshot, whatever its database (pg_current_snapshot cannot tell them apart). That is
 * conservative, as it only makes the caller refuse more often. The caller's own transaction is not
 * in the list and writes no outbox rows.
 */
export async function openTransactionBehind(
  db: Kysely<DB>,
  txId: string,
): Promise<OpenTransaction | undefined> {
  const { rows } = await sql<{ tx_id: string; pid: number | null }>`
    select running.xid::text as tx_id, activity.pid
    from pg_snapshot_xip(pg_current_snapshot()) as running(xid)
    left join pg_stat_activity as activity
      on activity.backend_xid = running.xid::xid and activity.leader_pid is null
    where running.xid < ${txId}::xid8
    order by running.xid
    limit 1`.execute(db);
  const row = rows[0];
  return row ? { txId: row.tx_id, pid: row.pid } : undefined;
}
