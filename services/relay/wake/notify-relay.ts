import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../common/events/outbox-notify.js';

/** Wakes every relay now (after an operator's replay, rewind or enable) instead of at its next poll. */
export async function notifyRelay(db: Kysely<DB>): Promise<void> {
  await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(db);
}
