import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { prepared } from '../../common/db/prepared-statements.js';
import { movedCheckpoint } from './moved-checkpoint.js';
import type { StreamKey } from './partition.js';

/**
 * Moves the checkpoint from `from` to `to` and clears the retry state (`batchLimit` is the narrowed
 * batch size to go on with, null for the full size), but only while `owner` holds
 * the lease and nobody moved the checkpoint meanwhile (an operator's rewind): a compare-and-set, so
 * an instance that lost its stream can never overwrite the new owner's progress. False when it did
 * not apply; the caller then re-reads the stream.
 */
export async function advanceCheckpoint(
  db: Kysely<DB>,
  stream: StreamKey,
  owner: string,
  from: Checkpoint,
  to: Checkpoint,
  batchLimit: number | null = null,
): Promise<boolean> {
  const result = await db
    .updateTable('relay_streams')
    .set(movedCheckpoint(to, batchLimit))
    .where('subscription_name', '=', stream.subscription)
    .where('partition', '=', stream.partition)
    .where('lease_owner', '=', owner)
    .where(sql<boolean>`checkpoint_tx_id = ${from.txId}::xid8`)
    .where('checkpoint_position', '=', from.position)
    .modifyEnd(prepared)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
