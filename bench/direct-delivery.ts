import type { Kysely } from 'kysely';
import {
  CLOUDEVENTS_BATCH_CONTENT_TYPE,
  toCloudEvent,
  type OrderCloudEvent,
} from '../services/common/events/cloud-event.js';
import type { DB } from '../services/common/db/database.js';
import { toOutboxEvent } from '../services/common/events/outbox-event.js';
import { signWebhook } from '../services/common/events/webhook-signature.js';

export type DeliveryTarget = {
  name: string;
  eventsUrl: string;
  secret: string;
  eventTypes: readonly string[];
};

export type TargetDelivery = { name: string; events: number; batches: number; seconds: number };

/** Every outbox event in stream order, as the CloudEvents the relay would send. */
export async function readOutboxAsCloudEvents(db: Kysely<DB>): Promise<OrderCloudEvent[]> {
  const rows = await db.selectFrom('outbox').selectAll().orderBy('tx_id').orderBy('position').execute();
  return rows.map((row) => toCloudEvent(toOutboxEvent(row)));
}

/** The batches one subscriber would receive: its event types only, in order, `batchSize` at a time. */
export function batchesFor(events: OrderCloudEvent[], eventTypes: readonly string[], batchSize: number) {
  const wanted = events.filter((event) => eventTypes.includes(event.type));
  const batches: OrderCloudEvent[][] = [];
  for (let start = 0; start < wanted.length; start += batchSize) {
    batches.push(wanted.slice(start, start + batchSize));
  }
  return batches;
}

/**
 * The relay drain's baseline: the same batches, straight from a loop, one request in flight per
 * subscriber, all subscribers at once. What is left is the subscribers' own cost plus HTTP and
 * signing, so the relay's figure over this one shows what the relay itself costs. Serialising and
 * signing happen inside the loop because the relay has to do both too. Node's fetch keeps
 * connections alive by default.
 */
export async function deliverDirectly(
  events: OrderCloudEvent[],
  targets: DeliveryTarget[],
  batchSize: number,
): Promise<TargetDelivery[]> {
  return Promise.all(
    targets.map(async (target) => {
      const batches = batchesFor(events, target.eventTypes, batchSize);
      const started = performance.now();
      for (const batch of batches) {
        const body = JSON.stringify(batch);
        const response = await fetch(target.eventsUrl, {
          method: 'POST',
          headers: {
            'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE,
            ...signWebhook(target.secret, `msg_${batch[0]!.id}`, body),
          },
          body,
        });
        const text = await response.text();
        if (!response.ok) {
          throw new Error(
            `${target.name} answered ${response.status} to a direct batch: ${text.slice(0, 300)}`,
          );
        }
      }
      return {
        name: target.name,
        events: batches.reduce((sum, batch) => sum + batch.length, 0),
        batches: batches.length,
        seconds: (performance.now() - started) / 1000,
      };
    }),
  );
}
