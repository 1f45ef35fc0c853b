import type { OrderItem } from '../../common/events/order-events.js';
import type { DeliveredEvent } from '../inbox/subscriber.js';

/**
 * The inventory's rules, pure: the handler loads the state the batch touches (rows locked), applies
 * every event here in batch order, and saves what changed. Invariant kept by every step, and checked
 * again by the table's constraints: 0 <= reserved <= onHand.
 */
export type StockLevel = { onHand: number; reserved: number };

/** reserved (holding stock) -> committed (shipped: left on hand) or released (cancelled). */
export type LineStatus = 'reserved' | 'committed' | 'released';

export type ReservationLine = {
  sku: string;
  /** What the order asked for; reserved + backordered at placement. */
  quantity: number;
  reserved: number;
  committed: number;
  /** What could not be reserved for lack of stock: recorded, never an error. */
  backordered: number;
  status: LineStatus;
};

/**
 * 'placed' once OrderPlaced was applied. 'shipped' and 'cancelled' may also be reached before it,
 * when that event arrived first (`placed` false until the late OrderPlaced reconciles).
 */
export type InventoryOrder = {
  status: 'placed' | 'shipped' | 'cancelled';
  placed: boolean;
  lines: ReservationLine[];
};

export type InventoryState = {
  stock: Map<string, StockLevel>;
  orders: Map<string, InventoryOrder>;
};

export type InventoryChanges = {
  skus: Set<string>;
  orderIds: Set<string>;
  unseenOrderEventIds: string[];
};

/** The SKUs whose stock rows a batch may touch: everything ordered, and the lines already held. */
export function skusTouched(events: DeliveredEvent[], orders: Map<string, InventoryOrder>): string[] {
  const skus = new Set<string>();
  for (const event of events) {
    if (event.type === 'OrderPlaced') for (const item of event.data.items) skus.add(item.sku);
  }
  for (const order of orders.values()) for (const line of order.lines) skus.add(line.sku);
  return [...skus].sort();
}

function quantitiesBySku(items: OrderItem[]): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const { sku, quantity } of items) quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  return quantities;
}

/** Mutates `state` in place; returns what changed so only that is written back. */
export function applyInventoryEvents(state: InventoryState, events: DeliveredEvent[]): InventoryChanges {
  const changes: InventoryChanges = { skus: new Set(), orderIds: new Set(), unseenOrderEventIds: [] };
  const levelOf = (sku: string): StockLevel => {
    let level = state.stock.get(sku);
    if (!level) state.stock.set(sku, (level = { onHand: 0, reserved: 0 }));
    changes.skus.add(sku);
    return level;
  };

  for (const event of events) {
    const orderId = event.data.orderId;
    const order = state.orders.get(orderId);
    switch (event.type) {
      case 'OrderPlaced': {
        if (order?.placed) break; // a second OrderPlaced for one order: the first one counts
        const next: InventoryOrder = { status: order?.status ?? 'placed', placed: true, lines: [] };
        for (const [sku, quantity] of quantitiesBySku(event.data.items)) {
          const level = levelOf(sku);
          const available = level.onHand - level.reserved;
          if (next.status === 'cancelled') {
            // Cancelled before it was placed here: nothing to hold.
            next.lines.push({ sku, quantity, reserved: 0, committed: 0, backordered: 0, status: 'released' });
          } else if (next.status === 'shipped') {
            // Shipped before it was placed here: it left the warehouse, so take it off the shelf now.
            const taken = Math.min(quantity, available);
            level.onHand -= taken;
            next.lines.push({
              sku,
              quantity,
              reserved: 0,
              committed: taken,
              backordered: quantity - taken,
              status: 'committed',
            });
          } else {
            const reserved = Math.min(quantity, available);
            level.reserved += reserved;
            next.lines.push({
              sku,
              quantity,
              reserved,
              committed: 0,
              backordered: quantity - reserved,
              status: 'reserved',
            });
          }
        }
        state.orders.set(orderId, next);
        changes.orderIds.add(orderId);
        break;
      }
      case 'OrderShipped':
      case 'OrderCancelled': {
        const target = event.type === 'OrderShipped' ? 'shipped' : 'cancelled';
        if (!order) {
          state.orders.set(orderId, { status: target, placed: false, lines: [] });
          changes.orderIds.add(orderId);
          changes.unseenOrderEventIds.push(event.id);
          break;
        }
        if (order.status !== 'placed') break; // already shipped or cancelled: nothing moves twice
        order.status = target;
        for (const line of order.lines) {
          if (line.status !== 'reserved') continue;
          const level = levelOf(line.sku);
          level.reserved -= line.reserved;
          if (target === 'shipped') {
            level.onHand -= line.reserved;
            line.committed = line.reserved;
            line.status = 'committed';
          } else {
            line.backordered = 0;
            line.status = 'released';
          }
          line.reserved = 0;
        }
        changes.orderIds.add(orderId);
        break;
      }
      case 'OrderDelivered':
        break; // nothing left to move: stock left on OrderShipped
    }
  }
  return changes;
}
