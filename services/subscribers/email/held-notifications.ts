import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { EmailKind } from './render-email.js';

/**
 * A notification for an order not seen placed: it cannot be addressed until OrderPlaced arrives,
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

/** Removes and returns the orders' held notifications, oldest first, to be sent now. */
export async function releaseHeldNotifications(
  trx: Transaction<DB>,
  orderIds: string[],
): Promise<HeldNotification[]> {
  if (orderIds.length === 0) return [];
  const rows = await trx
    .deleteFrom('email.held_notifications')
    .where('order_id', 'in', orderIds)
    .returning(['event_id', 'order_id', 'kind', 'reason', 'held_at'])
    .execute();
  return rows
    .sort((a, b) => a.held_at.getTime() - b.held_at.getTime() || a.event_id.localeCompare(b.event_id))
    .map((row) => ({
      eventId: row.event_id,
      orderId: row.order_id,
      kind: row.kind as EmailKind,
      reason: row.reason,
    }));
}
