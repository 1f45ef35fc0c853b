import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { withTransientRetry } from '../../common/db/transient.js';
import { isCancelledBeforePlaced } from '../../common/events/order-events.js';
import type { BatchEntry } from './read-batch.js';
import { recordInInbox } from './record-in-inbox.js';
import type { DeliveredEvent, SubscriberEffects } from './subscriber.js';
import type { Clock } from '../../common/clock.js';

export type BatchSummary = {
  processed: number;
  duplicates: number;
  ignored: number;
  unseenOrderEventIds: string[];
};

/**
 * The orders whose events the batch may apply: locked before anything is written (see
 * lock-orders.ts). The orders of events that turn out to be duplicates are locked too; a batch
 * beside them is then serialised a little more than it must be, never less.
 */
function ordersToLock(effects: SubscriberEffects, entries: BatchEntry[]): string[] {
  const orderIds: string[] = [];
  for (const { event } of entries) {
    if (event && effects.handles.includes(event.type)) orderIds.push(event.data.orderId);
  }
  return orderIds;
}

/**
 * One transaction per batch: take the order locks and record the ids in the inbox, apply the effects of the new
 * events in batch order, commit. Any failure rolls the whole batch back, inbox rows included, so a
 * redelivery starts from a clean slate. Serialization failures and deadlocks are retried here.
 *
 * The OrderCancelled of an order cancelled while Pending is processed with no effect in every
 * service: each one's record of an order starts at its OrderPlaced (the mail's address, the
 * reservation, the shipment, the charge), so an order never placed has nothing to undo, and no
 * OrderPlaced will ever follow to fill in a record made for it.
 *
 * `guard`, when given, runs first inside the transaction and may throw to abandon the batch before
 * anything is written (the NATS consumer re-checks its partition lease there).
 */
export async function handleBatch(
  db: Kysely<DB>,
  effects: SubscriberEffects,
  entries: BatchEntry[],
  clock: Clock,
  guard?: (trx: Transaction<DB>) => Promise<void>,
): Promise<BatchSummary> {
  return withTransientRetry(() =>
    db.transaction().execute(async (trx) => {
      await guard?.(trx);
      const now = clock();
      const fresh = await recordInInbox(trx, effects.name, entries, now, ordersToLock(effects, entries));
      const toApply: DeliveredEvent[] = [];
      let duplicates = 0;
      let ignored = 0;
      let neverPlaced = 0;
      for (const entry of entries) {
        // delete() also makes a second copy of one id within the batch count as a duplicate.
        if (!fresh.delete(entry.id)) duplicates++;
        else if (!entry.event || !effects.handles.includes(entry.event.type)) ignored++;
        else if (isCancelledBeforePlaced(entry.event.type, entry.event.aggregateVersion)) neverPlaced++;
        else toApply.push(entry.event);
      }
      if (toApply.length === 0) {
        return { processed: neverPlaced, duplicates, ignored, unseenOrderEventIds: [] };
      }
      const report = await effects.apply(trx, toApply, { now });
      return { processed: toApply.length + neverPlaced, duplicates, ignored, ...report };
    }),
  );
}
