import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import type { StreamKey } from './partition.js';

export type DeliveryFailure = {
  /** The narrowed batch size to try next (null: the full size), and the refusals counted against it. */
  batchLimit: number | null;
  batchAttempts: number;
  nextAttemptAt: Date;
  failedAt: Date;
  error: string;
  statusCode: number | null;
};

/** Stores the retry state after a failed delivery; same compare-and-set as advanceCheckpoint. */
export async function recordDeliveryFailure(
  db: Kysely<DB>,
  stream: StreamKey,
  owner: string,
  at: Checkpoint,
  failure: DeliveryFailure,
): Promise<boolean> {
  const result = await db
    .updateTable('relay_streams')
    .set((eb) => ({
      failed_attempts: eb('failed_attempts', '+', 1),
      batch_attempts: failure.batchAttempts,
      batch_limit: failure.batchLimit,
      next_attempt_at: failure.nextAttemptAt,
      first_failed_at: sql`coalesce(first_failed_at, ${failure.failedAt}::timestamptz)`,
      last_failed_at: failure.failedAt,
      last_error: failure.error,
      last_status_code: failure.statusCode,
      updated_at: sql`now()`,
    }))
    .where('subscription_name', '=', stream.subscription)
    .where('partition', '=', stream.partition)
    .where('lease_owner', '=', owner)
    .where(sql<boolean>`checkpoint_tx_id = ${at.txId}::xid8`)
    .where('checkpoint_position', '=', at.position)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
