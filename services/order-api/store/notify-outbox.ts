import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../shared/events/outbox-notify.js';
import type { Logger } from '../../shared/logger.js';

/**
 * Wakes the relay after a commit. Only a hint (DESIGN 3: NOTIFY inside the write transaction
 * serialises commits), so a failure is logged and never fails the request: the relay's poll
 * picks the events up anyway.
 */
export async function notifyOutbox(db: Kysely<DB>, logger: Logger): Promise<void> {
  try {
    await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(db);
  } catch (error) {
    logger.warn({ err: error }, 'outbox notify failed; the relay will poll');
  }
}
