import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { EmailKind } from './render-email.js';

/**
 * A notification for an order not seen placed (released by rememberOrders, remember-orders.ts): it cannot be addressed until OrderPlaced arrives,
 * and waits for it no longer than EMAIL_HELD_NOTIFICATION_RETENTION (see held-notification-expiry.ts).
 */
export type HeldNotification = { eventId: string; orderId: string; kind: EmailKind; reason: string | null };

export async function holdNotifications(
  trx: Transaction<DB>,
  notifications: HeldNotification[],
  now: Date,
): Promise<void> {
  if (notifications.length === 0) return;
  await trx
    .insertInto('email.held_notifications')
    .values(
      notifications.map((held) => ({
        event_id: held.eventId,
        order_id: held.orderId,
        kind: held.kind,
        reason: held.reason,
        held_at: now,
      })),
    )
    .onConflict((conflict) => conflict.column('event_id').doNothing())
    .execute();
}

type HeldRow = { event_id: string; order_id: string; kind: string; reason: string | null; held_at: Date };

/** Released rows as notifications to send now, oldest first. */
export function oldestFirst(rows: HeldRow[]): HeldNotification[] {
  return rows
    .sort((a, b) => a.held_at.getTime() - b.held_at.getTime() || a.event_id.localeCompare(b.event_id))
    .map((row) => ({
      eventId: row.event_id,
      orderId: row.order_id,
      kind: row.kind as EmailKind,
      reason: row.reason,
    }));
}
