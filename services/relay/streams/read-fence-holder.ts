import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { FENCE } from './fence.js';

/**
 * The transaction at the fence, when one of this database holds it: a session (from
 * pg_stat_activity by its backend_xid) or a prepared transaction (from pg_prepared_xacts, it has no
 * session). `unknown` when neither shows it: it has just ended, or this role is not shown it.
 * PostgreSQL shows every role each session's pid, application_name, user and xid, but its state and
 * transaction start only to the same role or to members of pg_read_all_stats: those are null then.
 */
export type FenceHolder =
  | {
      kind: 'session';
      txId: string;
      pid: number;
      applicationName: string;
      userName: string | null;
      state: string | null;
      transactionStartedAt: Date | null;
    }
  | { kind: 'prepared'; txId: string; gid: string; owner: string; preparedAt: Date }
  | { kind: 'unknown'; txId: string };

type Row = {
  tx_id: string;
  pid: number | null;
  application_name: string | null;
  usename: string | null;
  state: string | null;
  xact_start: Date | null;
  gid: string | null;
  owner: string | null;
  prepared: Date | null;
};

/** One statement: the fence, and who of this database holds it. Ask only when a stream is held. */
export async function readFenceHolder(db: Kysely<DB>): Promise<FenceHolder> {
  const { rows } = await sql<Row>`
    with fence as materialized (select ${FENCE} as txid)
    select fence.txid::text as tx_id, activity.pid, activity.application_name, activity.usename,
           activity.state, activity.xact_start, prepared.gid, prepared.owner, prepared.prepared
    from fence
    left join pg_stat_activity as activity
      on activity.backend_xid = fence.txid::xid
     and activity.datid = (select oid from pg_database where datname = current_database())
    left join pg_prepared_xacts as prepared
      on prepared.transaction = fence.txid::xid and prepared.database = current_database()
    limit 1`.execute(db);
  const row = rows[0]!;
  if (row.gid !== null && row.owner !== null && row.prepared !== null)
    return { kind: 'prepared', txId: row.tx_id, gid: row.gid, owner: row.owner, preparedAt: row.prepared };
  if (row.pid !== null)
    return {
      kind: 'session',
      txId: row.tx_id,
      pid: row.pid,
      applicationName: row.application_name ?? '',
      userName: row.usename,
      state: row.state,
      transactionStartedAt: row.xact_start,
    };
  return { kind: 'unknown', txId: row.tx_id };
}
