import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { ChargeLine } from './catalog.js';

/** charged -> refunded; voided = cancelled before it was ever charged. */
export type ChargeStatus = 'charged' | 'refunded' | 'voided';

export type Charge = {
  orderId: string;
  status: ChargeStatus;
  customerId: string | null;
  /** Null only for a voided charge whose order was never placed here. */
  amountCents: number | null;
  currency: string;
  lines: ChargeLine[] | null;
  chargedAt: Date | null;
  refundedAt: Date | null;
  cancelReason: string | null;
};

export async function findCharges(db: Kysely<DB>, orderId: string): Promise<Charge[]> {
  const rows = await db.selectFrom('billing.charges').selectAll().where('order_id', '=', orderId).execute();
  return rows.map((row) => ({
    orderId: row.order_id,
    status: row.status as ChargeStatus,
    customerId: row.customer_id,
    // bigint comes back as a string; totals stay far below 2^53 (quantities and prices are bounded).
    amountCents: row.amount_cents === null ? null : Number(row.amount_cents),
    currency: row.currency,
    lines: row.lines as ChargeLine[] | null,
    chargedAt: row.charged_at,
    refundedAt: row.refunded_at,
    cancelReason: row.cancel_reason,
  }));
}
