import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { prepared } from '../../shared/db/prepared-statements.js';

/**
 * Whether rows exist after the checkpoint that the fence still hides (their transaction, or an
 * older one anywhere on the server, is still running). Then the stream should look again soon
 * rather than at the next poll: the NOTIFY for those rows may already have been spent.
 */
export async function hasEventsBehindFence(db: Kysely<DB>, checkpoint: Checkpoint): Promise<boolean> {
  const { rows } = await sql<{ behind: boolean }>`${prepared}
    select exists (
      select 1 from outbox
      where (tx_id, position) > (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)) as behind`.execute(
    db,
  );
  return rows[0]?.behind ?? false;
}
