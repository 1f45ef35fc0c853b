import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

/** The moment before which a record has expired. */
export function idempotencyCutoff(now: Date, retentionMs: number): Date {
  return new Date(now.getTime() - retentionMs);
}

/** Deletes records older than the retention; returns how many. Run by the scheduled purge job. */
export async function purgeIdempotencyRecords(
  db: Kysely<DB>,
  now: Date,
  retentionMs: number,
): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', idempotencyCutoff(now, retentionMs))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
