import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { HeldNotification } from './held-notifications.js';
import type { EmailKind } from './render-email.js';

export type ExpiredNotification = HeldNotification & { heldAt: Date };

/**
 * Deletes and returns the notifications held since before `cutoff`: their OrderPlaced has not come
 * in all that time, and a mail sent later still would be news to no one. A batch releasing the same
 * rows at the same moment waits on their row locks, so each row is either sent or expired, never both.
 */
export async function expireHeldNotifications(db: Kysely<DB>, cutoff: Date): Promise<ExpiredNotification[]> {
  const rows = await db
    .deleteFrom('email.held_notifications')
    .where('held_at', '<', cutoff)
    .returning(['event_id', 'order_id', 'kind', 'reason', 'held_at'])
    .execute();
  return rows.map((row) => ({
    eventId: row.event_id,
    orderId: row.order_id,
    kind: row.kind as EmailKind,
    reason: row.reason,
    heldAt: row.held_at,
  }));
}
