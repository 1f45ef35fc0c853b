import type { SubscriberEffects } from '../inbox/subscriber.js';
import { applyInventoryEvents } from './inventory-state.js';
import { loadInventoryState } from './load-inventory-state.js';
import { saveInventoryState } from './save-inventory-state.js';

/**
 * Inventory: OrderPlaced reserves what is available (the rest is backordered), OrderShipped commits
 * the reservations, OrderCancelled releases them. Load with locks, apply in order, save: a handful
 * of statements per batch, however many events it holds.
 */
export const inventoryEffects: SubscriberEffects = {
  name: 'inventory',
  handles: ['OrderPlaced', 'OrderShipped', 'OrderCancelled'],
  async apply(trx, events, { now }) {
    const state = await loadInventoryState(trx, events, now);
    const changes = applyInventoryEvents(state, events);
    await saveInventoryState(trx, state, changes, now);
    return { unseenOrderEventIds: changes.unseenOrderEventIds };
  },
};
