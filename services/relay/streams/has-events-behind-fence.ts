import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { prepared } from '../../common/db/prepared-statements.js';
import type { Checkpoint } from './checkpoint.js';

/**
 * Whether rows exist after the checkpoint that the fence still hides (their transaction, or an
 * older one of this database, is still running): asked after a read found nothing behind the
 * fence, so any row after the checkpoint is one the fence hides. Then the stream should look again
 * soon rather than at the next poll: the NOTIFY for those rows may already have been spent.
 *
 * `ORDER BY … LIMIT 1` rather than `EXISTS`: as a prepared statement PostgreSQL switches to a
 * generic plan, and for `EXISTS` over `(tx_id, position) > ($1, $2)` that plan is a sequential scan
 * of the whole outbox (5.5 ms on 50,000 rows, against 0.03 ms on the index; pg_stat_statements
 * showed it at 9 ms a call in the benchmark). An ordered LIMIT keeps the index in every plan.
 */
export async function hasEventsBehindFence(db: Kysely<DB>, checkpoint: Checkpoint): Promise<boolean> {
  const { rows } = await sql<{ position: string }>`${prepared}
    select position from outbox
    where (tx_id, position) > (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)
    order by tx_id, position
    limit 1`.execute(db);
  return rows.length > 0;
}
