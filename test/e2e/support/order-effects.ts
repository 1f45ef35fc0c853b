import { EVENTS_OF, type PlacedOrder } from './workload.js';
import type { Billing, EmailKind, Json } from './subscriber-views.js';

/** What the subscribers show for one order, read over their HTTP endpoints. */
export type SeenEffects = {
  emails: EmailKind[];
  reservations: Json[];
  shipment: string | undefined;
  bill: Billing;
};

/** One subscriber's verdict on one order: effects applied twice or more, and what is wrong, if anything. */
export type OrderVerdict = { subscriber: string; doubled: number; problem?: string };

const EMAIL_KIND: Record<string, EmailKind> = {
  OrderPlaced: 'placed',
  OrderShipped: 'shipped',
  OrderDelivered: 'delivered',
  OrderCancelled: 'cancelled',
};

/**
 * Judges what the subscribers show for one walked order against what its events must have caused:
 * one email per event in order, each stock movement once, one shipment in its final state, one
 * charge and a refund per cancellation. An order cancelled while pending was never placed: it may
 * leave a cancellation email, a cancelled shipment record and a voided charge, but must never have
 * money taken or anything applied twice.
 */
export function judgeOrder(order: PlacedOrder, seen: SeenEffects, totalCents: number): OrderVerdict[] {
  return [
    judgeEmails(order, seen.emails),
    judgeReservations(seen.reservations),
    judgeShipment(order, seen.shipment),
    judgeBill(order, seen.bill, totalCents),
  ];
}

function judgeEmails(order: PlacedOrder, emails: EmailKind[]): OrderVerdict {
  const wanted = EVENTS_OF[order.fate].map((type) => EMAIL_KIND[type]!);
  const distinct = emails.filter((kind, index) => emails.indexOf(kind) === index);
  const allowed = order.fate === 'cancelled-pending' ? [[], wanted] : [wanted];
  const fits = allowed.some((kinds) => kinds.join() === distinct.join());
  return {
    subscriber: 'email',
    doubled: Math.max(0, emails.length - wanted.length),
    ...(fits ? {} : { problem: `${order.id}: emails ${emails.join(',')} instead of ${wanted.join(',')}` }),
  };
}

/**
 * A line may show as one row whose status moves, or as one row per movement; either way two rows
 * with the same SKU and the same status are the same movement applied twice.
 */
function judgeReservations(reservations: Json[]): OrderVerdict {
  const movements = reservations.map((row) => JSON.stringify([row.sku, row.status ?? row.kind ?? null]));
  return { subscriber: 'inventory', doubled: movements.length - new Set(movements).size };
}

function judgeShipment(order: PlacedOrder, shipment: string | undefined): OrderVerdict {
  const status = shipment?.toLowerCase();
  const fits =
    order.fate === 'delivered'
      ? status === 'delivered'
      : status === 'cancelled' || (order.fate === 'cancelled-pending' && status === undefined);
  const wanted = order.fate === 'delivered' ? 'delivered' : 'cancelled';
  return {
    subscriber: 'warehouse',
    doubled: 0,
    ...(fits ? {} : { problem: `${order.id}: shipment ${shipment ?? 'missing'} instead of ${wanted}` }),
  };
}

function judgeBill(order: PlacedOrder, bill: Billing, totalCents: number): OrderVerdict {
  const doubled = Math.max(0, bill.charges - 1) + Math.max(0, bill.refunds - 1);
  const described = `${order.id}: ${JSON.stringify(bill)} for a ${order.fate} order of ${totalCents} cents`;
  if (order.fate === 'cancelled-pending') {
    const kept = bill.charges - bill.voided - bill.refunds;
    return { subscriber: 'billing', doubled, ...(kept > 0 ? { problem: described } : {}) };
  }
  const wantedRefunds = order.fate === 'cancelled' ? 1 : 0;
  const wrong =
    bill.charges === 0 || bill.refunds < wantedRefunds || (bill.chargedCents ?? totalCents) !== totalCents;
  return {
    subscriber: 'billing',
    doubled: Math.max(0, bill.charges - 1) + Math.max(0, bill.refunds - wantedRefunds),
    ...(wrong ? { problem: described } : {}),
  };
}
