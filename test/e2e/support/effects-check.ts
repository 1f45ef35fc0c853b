import { judgeOrder } from './order-effects.js';
import { billingOf, emailsOf, reservationsOf, shipmentStatusOf, stockOf } from './subscriber-views.js';
import { CATALOG, type PlacedOrder } from './workload.js';

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

/**
 * Compares what each subscriber shows over HTTP with what the orders that were walked must have
 * caused (per order: judgeOrder), and the stock with what the delivered orders took off the shelf.
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

  const bySubscriber = { email, inventory, warehouse, billing };
  await forEachLimited(orders, 8, async (order) => {
    const seen = {
      emails: await emailsOf(urls.email, order.id),
      reservations: await reservationsOf(urls.inventory, order.id),
      shipment: await shipmentStatusOf(urls.warehouse, order.id),
      bill: await billingOf(urls.billing, order.id),
    };
    const total = order.items.reduce((sum, item) => sum + item.quantity * price.get(item.sku)!, 0);
    for (const verdict of judgeOrder(order, seen, total)) {
      const tally = bySubscriber[verdict.subscriber as keyof typeof bySubscriber];
      tally.doubled += verdict.doubled;
      if (verdict.problem) {
        tally.wrong++;
        note(tally, verdict.problem);
      }
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
