import { runsByOrderWave } from '../inbox/event-runs.js';
import type { SubscriberEffects } from '../inbox/subscriber.js';
import type { Catalog } from './catalog.js';
import { createCharges } from './create-charges.js';
import { refundCharges } from './refund-charges.js';

/** Billing: a charge per placed order at catalog prices, refunded when the order is cancelled. */
export function billingEffects(catalog: Catalog): SubscriberEffects {
  return {
    name: 'billing',
    handles: ['OrderPlaced', 'OrderCancelled'],
    async apply(trx, events, { now }) {
      const unseenOrderEventIds: string[] = [];
      for (const run of runsByOrderWave(events)) {
        if (run.type === 'OrderPlaced') await createCharges(trx, run.events, catalog, now);
        if (run.type === 'OrderCancelled') {
          unseenOrderEventIds.push(...(await refundCharges(trx, run.events, catalog.currency, now)));
        }
      }
      return { unseenOrderEventIds };
    },
  };
}
