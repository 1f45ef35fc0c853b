import type { OrderItem } from '../../common/events/order-events.js';

/** How orders are priced: the catalog's prices (in `currency`), `defaultPriceCents` for the rest. */
export type Catalog = { currency: string; defaultPriceCents: number };

export type ChargeLine = { sku: string; quantity: number; unitPriceCents: number; totalCents: number };

export type PricedOrder = { lines: ChargeLine[]; amountCents: number };

/** Integer cents all the way: no floating point ever touches money. */
export function priceOrder(items: OrderItem[], prices: Map<string, number>, catalog: Catalog): PricedOrder {
  const lines = items.map(({ sku, quantity }) => {
    const unitPriceCents = prices.get(sku) ?? catalog.defaultPriceCents;
    return { sku, quantity, unitPriceCents, totalCents: unitPriceCents * quantity };
  });
  return { lines, amountCents: lines.reduce((sum, line) => sum + line.totalCents, 0) };
}
