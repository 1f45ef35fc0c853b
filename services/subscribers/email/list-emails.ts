import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { EmailMessage } from './email-transport.js';
import type { EmailKind } from './render-email.js';

export type ListedEmail = EmailMessage & { id: string };

export type HeldEmail = { eventId: string; kind: EmailKind; reason: string | null; heldAt: Date };

/** The messages recorded for an order, oldest first. */
export async function listEmails(db: Kysely<DB>, orderId: string): Promise<ListedEmail[]> {
  const rows = await db
    .selectFrom('email.messages')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    orderId: row.order_id,
    customerId: row.customer_id,
    kind: row.kind as EmailKind,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
  }));
}

/** Notifications waiting for the order's OrderPlaced. */
export async function listHeldEmails(db: Kysely<DB>, orderId: string): Promise<HeldEmail[]> {
  const rows = await db
    .selectFrom('email.held_notifications')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('held_at')
    .execute();
  return rows.map((row) => ({
    eventId: row.event_id,
    kind: row.kind as EmailKind,
    reason: row.reason,
    heldAt: row.held_at,
  }));
}
