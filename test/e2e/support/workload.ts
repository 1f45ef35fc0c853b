import type { OrderItem } from '../../../services/common/events/order-events.js';
import type { OrderClient } from './order-client.js';

/** Delivered; cancelled after being placed; cancelled while still pending (never placed). */
export type Fate = 'delivered' | 'cancelled' | 'cancelled-pending';

export type PlacedOrder = { id: string; customerId: string; items: OrderItem[]; fate: Fate };

/** The events each fate produces, in order: what every subscriber must end up having seen. */
export const EVENTS_OF: Record<Fate, string[]> = {
  delivered: ['OrderPlaced', 'OrderShipped', 'OrderDelivered'],
  cancelled: ['OrderPlaced', 'OrderCancelled'],
  'cancelled-pending': ['OrderCancelled'],
};

export const CATALOG: { sku: string; unitPriceCents: number }[] = [
  { sku: 'E2E-MUG', unitPriceCents: 1_250 },
  { sku: 'E2E-TEE', unitPriceCents: 1_999 },
  { sku: 'E2E-CAP', unitPriceCents: 1_500 },
  { sku: 'E2E-PIN', unitPriceCents: 300 },
  { sku: 'E2E-BAG', unitPriceCents: 4_500 },
];

export type WorkloadOptions = {
  orders: number;
  /** Every n-th order is cancelled after being placed (the rest are shipped and delivered). */
  cancelEvery: number;
  /** Every n-th order is cancelled while pending, never placed (takes precedence over cancelEvery). */
  cancelPendingEvery?: number;
  /** Orders in flight at once. */
  concurrency: number;
  /**
   * Start the orders no faster than evenly over this long (unset: as fast as the system takes them),
   * so that orders still flow while faults of a fixed length run, however few orders there are.
   */
  spreadOverMs?: number;
  /** Called once an order exists and before anything else happens to it (a fault may target it). */
  onOrderCreated?: (created: { index: number; id: string; fate: Fate }) => void | Promise<void>;
  onOrderDone?: (done: number) => void;
};

/** What becomes of order `index`: the shares are fixed by the options, the same on every run. */
export function fateOf(
  index: number,
  options: Pick<WorkloadOptions, 'cancelEvery' | 'cancelPendingEvery'>,
): Fate {
  const isNth = (every: number | undefined) => every !== undefined && index % every === every - 1;
  if (isNth(options.cancelPendingEvery)) return 'cancelled-pending';
  return isNth(options.cancelEvery) ? 'cancelled' : 'delivered';
}

/** Deterministic lines for order `index`: one or two SKUs of the catalog, quantities 1-3. */
export function itemsFor(index: number): OrderItem[] {
  const first = CATALOG[index % CATALOG.length]!;
  const second = CATALOG[(index + 2) % CATALOG.length]!;
  const items = [{ sku: first.sku, quantity: 1 + (index % 3) }];
  if (index % 2 === 0) items.push({ sku: second.sku, quantity: 1 });
  return items;
}

/** How long after the start order `index` may start at the earliest. */
export function earliestStartMs(
  index: number,
  options: Pick<WorkloadOptions, 'orders' | 'spreadOverMs'>,
): number {
  return options.spreadOverMs === undefined ? 0 : (index * options.spreadOverMs) / options.orders;
}

/** Walks `orders` orders through their lifecycle as concurrent clients would. */
export async function runOrders(client: OrderClient, options: WorkloadOptions): Promise<PlacedOrder[]> {
  const placed: PlacedOrder[] = [];
  const began = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < options.orders) {
      const index = next++;
      const early = began + earliestStartMs(index, options) - Date.now();
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
      const fate = fateOf(index, options);
      const customerId = `e2e-customer-${index % 17}`;
      const items = itemsFor(index);
      const order = await client.create(customerId, items);
      await options.onOrderCreated?.({ index, id: order.id, fate });
      if (fate === 'cancelled-pending') {
        await client.cancel(order.id, 'changed my mind before placing it');
      } else {
        await client.place(order.id);
        if (fate === 'cancelled') {
          await client.cancel(order.id, 'changed my mind');
        } else {
          await client.ship(order.id);
          await client.deliver(order.id);
        }
      }
      placed.push({ id: order.id, customerId, items, fate });
      options.onOrderDone?.(placed.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return placed;
}

export function expectedEventCount(orders: PlacedOrder[], eventTypes: string[]): number {
  return orders.reduce(
    (total, order) => total + EVENTS_OF[order.fate].filter((type) => eventTypes.includes(type)).length,
    0,
  );
}
