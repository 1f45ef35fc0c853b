import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';

/** The moment before which a record has expired. */
export function idempotencyCutoff(now: Date, ttlHours: number): Date {
  return new Date(now.getTime() - ttlHours * 3_600_000);
}

/** Deletes records older than the time to live; returns how many. Run by the node-cron job. */
export async function purgeIdempotencyRecords(db: Kysely<DB>, now: Date, ttlHours: number): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', idempotencyCutoff(now, ttlHours))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
