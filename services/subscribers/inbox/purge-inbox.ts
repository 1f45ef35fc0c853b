import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { SubscriberName } from './subscriber.js';

/**
 * Deletes inbox rows processed before `now - retentionMs`; returns how many. The dedupe window must
 * stay longer than any redelivery (the relay's retries and an operator's replay of a dead letter).
 */
export async function purgeInbox(
  db: Kysely<DB>,
  schema: SubscriberName,
  now: Date,
  retentionMs: number,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const result = await sql`
    delete from ${sql.table(`${schema}.inbox`)} where processed_at < ${cutoff}::timestamptz`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
