import { runsByOrderWave } from '../inbox/event-runs.js';
import type { SubscriberEffects } from '../inbox/subscriber.js';
import { advanceShipments } from './advance-shipments.js';
import { openShipments } from './open-shipments.js';

/** The warehouse: one shipment per order, moved along by the order's events. */
export const warehouseEffects: SubscriberEffects = {
  name: 'warehouse',
  handles: ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'],
  async apply(trx, events, { now }) {
    const unseenOrderEventIds: string[] = [];
    for (const run of runsByOrderWave(events)) {
      if (run.type === 'OrderPlaced') await openShipments(trx, run.events, now);
      else unseenOrderEventIds.push(...(await advanceShipments(trx, run.events, now)));
    }
    return { unseenOrderEventIds };
  },
};
