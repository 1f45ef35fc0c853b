import { describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import type { DeliveredEvent } from '../inbox/subscriber.js';
import { applyInventoryEvents, type InventoryState } from './inventory-state.js';

const at = new Date('2026-11-27T10:00:00Z');
const event = (type: DeliveredEvent['type'], data: DeliveredEvent['data']) =>
  ({ id: uuidv7(), occurredAt: at, type, data }) as DeliveredEvent;

/** A small deterministic generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('the inventory rules', () => {
  it('keep 0 <= reserved <= on hand and account for every unit over long random histories', () => {
    for (const seed of [1, 7, 42, 2026]) {
      const next = random(seed);
      const skus = ['A', 'B', 'C'];
      const initial = new Map(skus.map((sku) => [sku, Math.floor(next() * 6)]));
      const state: InventoryState = {
        stock: new Map(skus.map((sku) => [sku, { onHand: initial.get(sku)!, reserved: 0 }])),
        orders: new Map(),
      };
      const orderIds = Array.from({ length: 12 }, () => uuidv7());
      for (let step = 0; step < 200; step++) {
        const orderId = orderIds[Math.floor(next() * orderIds.length)]!;
        const roll = next();
        const batch =
          roll < 0.5
            ? [
                event('OrderPlaced', {
                  orderId,
                  customerId: 'c',
                  items: [{ sku: skus[Math.floor(next() * 3)]!, quantity: 1 + Math.floor(next() * 4) }],
                }),
              ]
            : [event(roll < 0.75 ? 'OrderShipped' : 'OrderCancelled', { orderId, reason: null })];
        applyInventoryEvents(state, batch);

        for (const sku of skus) {
          const level = state.stock.get(sku)!;
          expect(level.reserved).toBeGreaterThanOrEqual(0);
          expect(level.reserved).toBeLessThanOrEqual(level.onHand);
          const lines = [...state.orders.values()].flatMap((order) =>
            order.lines.filter((l) => l.sku === sku),
          );
          // What is reserved is exactly what the reserved lines hold ...
          expect(lines.reduce((sum, line) => sum + line.reserved, 0)).toBe(level.reserved);
          // ... and what left the shelf is exactly what was committed.
          expect(initial.get(sku)! - level.onHand).toBe(lines.reduce((sum, line) => sum + line.committed, 0));
        }
      }
    }
  });

  it('report an order first seen through OrderShipped or OrderCancelled as unseen, and only then', () => {
    const state: InventoryState = { stock: new Map([['A', { onHand: 5, reserved: 0 }]]), orders: new Map() };
    const [known, unknown] = [uuidv7(), uuidv7()];
    const shipUnknown = event('OrderShipped', { orderId: unknown });
    const changes = applyInventoryEvents(state, [
      event('OrderPlaced', { orderId: known, customerId: 'c', items: [{ sku: 'A', quantity: 2 }] }),
      event('OrderShipped', { orderId: known }),
      shipUnknown,
    ]);
    expect(changes.unseenOrderEventIds).toEqual([shipUnknown.id]);
    expect(state.stock.get('A')).toEqual({ onHand: 3, reserved: 0 });
    expect(state.orders.get(unknown)).toEqual({ status: 'shipped', placed: false, lines: [] });
  });
});
