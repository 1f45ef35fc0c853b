import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { SubscriberName } from './subscriber.js';

/**
 * Deletes inbox rows processed before `now - retentionMs`; returns how many. The dedupe window must
 * stay longer than any redelivery (the relay's retries and an operator's replay of a dead letter).
 * Deletes in chunks, each its own short statement, so a large backlog never holds one long
 * transaction (and its locks and xmin) against the deliveries arriving meanwhile.
 */
export async function purgeInbox(
  db: Kysely<DB>,
  schema: SubscriberName,
  now: Date,
  retentionMs: number,
  chunkSize = 10_000,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const inbox = sql.table(`${schema}.inbox`);
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from ${inbox} where event_id in (
        select event_id from ${inbox} where processed_at < ${cutoff}::timestamptz limit ${chunkSize})`.execute(
      db,
    );
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < chunkSize) return total;
  }
}
