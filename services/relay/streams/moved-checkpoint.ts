import { sql, type UpdateObject } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';

/**
 * The columns of a stream row whose checkpoint moves to `to` (a delivery, a skip, a rewind): the
 * failure state of the old position no longer applies, so it is cleared with it.
 */
export function movedCheckpoint(
  to: Checkpoint,
  batchLimit: number | null,
): UpdateObject<DB, 'relay_streams'> {
  return {
    checkpoint_tx_id: sql`${to.txId}::xid8`,
    checkpoint_position: to.position,
    failed_attempts: 0,
    batch_attempts: 0,
    batch_limit: batchLimit,
    next_attempt_at: null,
    first_failed_at: null,
    last_failed_at: null,
    last_error: null,
    last_status_code: null,
    updated_at: sql`now()`,
  };
}
