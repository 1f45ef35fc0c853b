import { CATALOG, EVENTS_OF, type PlacedOrder } from './workload.js';
import {
  billingOf,
  emailsOf,
  reservationsOf,
  shipmentStatusOf,
  stockOf,
  type EmailKind,
} from './subscriber-views.js';

export type EffectFigures = {
  subscriber: string;
  /** Effects applied more than once (an extra email, a second charge, stock moved twice). */
  doubled: number;
  /** Effects missing or in the wrong state (a shipment not delivered, an email out of order). */
  wrong: number;
  /** A few of the problems, for the report. */
  examples: string[];
};

export type SubscriberUrls = { email: string; inventory: string; warehouse: string; billing: string };

const EMAIL_KIND: Record<string, EmailKind> = {
  OrderPlaced: 'placed',
  OrderShipped: 'shipped',
  OrderDelivered: 'delivered',
  OrderCancelled: 'cancelled',
};

/**
 * Compares what each subscriber shows over HTTP with what the orders that were walked must have
 * caused: one email per event in order, stock moved exactly once, one shipment in its final state,
 * one charge per order and a refund per cancellation.
 */
export async function checkEffects(
  urls: SubscriberUrls,
  orders: PlacedOrder[],
  initialOnHand: number,
): Promise<EffectFigures[]> {
  const email = figures('email');
  const inventory = figures('inventory');
  const warehouse = figures('warehouse');
  const billing = figures('billing');
  const price = new Map(CATALOG.map((entry) => [entry.sku, entry.unitPriceCents]));

  await forEachLimited(orders, 8, async (order) => {
    const wantedEmails = EVENTS_OF[order.fate].map((type) => EMAIL_KIND[type]!);
    const emails = await emailsOf(urls.email, order.id);
    if (emails.length > wantedEmails.length) email.doubled += emails.length - wantedEmails.length;
    const distinct = emails.filter((kind, index) => emails.indexOf(kind) === index);
    if (distinct.join() !== wantedEmails.join()) {
      email.wrong++;
      note(email, `${order.id}: emails ${emails.join(',')} instead of ${wantedEmails.join(',')}`);
    }

    // A line may show as one row whose status moves, or as one row per movement; either way two
    // rows with the same SKU and the same status are the same movement applied twice.
    const reservations = await reservationsOf(urls.inventory, order.id);
    const movements = reservations.map((row) => JSON.stringify([row.sku, row.status ?? row.kind ?? null]));
    inventory.doubled += movements.length - new Set(movements).size;

    const wantedShipment = order.fate === 'delivered' ? 'delivered' : 'cancelled';
    const shipment = await shipmentStatusOf(urls.warehouse, order.id);
    if (shipment?.toLowerCase() !== wantedShipment) {
      warehouse.wrong++;
      note(warehouse, `${order.id}: shipment ${shipment ?? 'missing'} instead of ${wantedShipment}`);
    }

    const bill = await billingOf(urls.billing, order.id);
    const wantedRefunds = order.fate === 'cancelled' ? 1 : 0;
    const total = order.items.reduce((sum, item) => sum + item.quantity * price.get(item.sku)!, 0);
    if (bill.charges > 1) billing.doubled += bill.charges - 1;
    if (bill.refunds > wantedRefunds) billing.doubled += bill.refunds - wantedRefunds;
    if (bill.charges === 0 || bill.refunds < wantedRefunds || (bill.chargedCents ?? total) !== total) {
      billing.wrong++;
      note(billing, `${order.id}: ${JSON.stringify(bill)} for a ${order.fate} order of ${total} cents`);
    }
  });

  // Stock: every delivered line left the shelf exactly once; nothing stays reserved.
  for (const { sku } of CATALOG) {
    const shipped = orders
      .filter((order) => order.fate === 'delivered')
      .flatMap((order) => order.items)
      .filter((item) => item.sku === sku)
      .reduce((sum, item) => sum + item.quantity, 0);
    const stock = await stockOf(urls.inventory, sku);
    const wantedOnHand = initialOnHand - shipped;
    if (!stock) {
      inventory.wrong++;
      note(inventory, `${sku}: no stock record`);
      continue;
    }
    if (stock.onHand < wantedOnHand) inventory.doubled += wantedOnHand - stock.onHand;
    if (stock.onHand > wantedOnHand || stock.reserved !== 0) {
      inventory.wrong++;
      note(
        inventory,
        `${sku}: ${JSON.stringify(stock)}, expected onHand ${wantedOnHand} and nothing reserved`,
      );
    }
  }
  return [email, inventory, warehouse, billing];
}

function figures(subscriber: string): EffectFigures {
  return { subscriber, doubled: 0, wrong: 0, examples: [] };
}

function note(figures: EffectFigures, example: string): void {
  if (figures.examples.length < 5) figures.examples.push(example);
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}
