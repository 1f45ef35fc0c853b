import { sql, type Kysely } from 'kysely';
import type { DB } from '../../services/common/db/database.js';
import { inPartition } from '../../services/relay/streams/partition.js';
import type { ReceivedEvent, Reply, WebhookReceiver } from './webhook-receiver.js';

/** The partition of every outbox event for a subscription of `partitions`, by event id (the relay's own definition). */
export async function eventPartitions(db: Kysely<DB>, partitions: number): Promise<Map<string, number>> {
  const { rows } = await sql<{ event_id: string; partition: number }>`
    select o.event_id, p as partition
    from outbox o cross join generate_series(0, ${partitions - 1}::int) as p
    where ${inPartition(sql.ref('o.partition_key'), partitions, sql.ref('p'))}`.execute(db);
  return new Map(rows.map((row) => [row.event_id, row.partition]));
}

/**
 * Makes the receiver take `delayMs` over each batch while counting, per partition, the batches in
 * processing at once (partition looked up by the batch's events), and the batches that mixed
 * partitions. One stream per partition means at most one batch per partition at a time.
 */
export function trackPartitions(
  receiver: WebhookReceiver,
  partitionOf: (eventId: string) => number | undefined,
  delayMs: number,
  then: (events: ReceivedEvent[]) => Reply = () => ({ status: 200 }),
) {
  const inFlight = new Map<number, number>();
  const tracked = { maxInFlightPerPartition: 0, mixedBatches: 0, partitionsSeen: new Set<number>() };
  receiver.reply = async (events) => {
    const partitions = new Set(events.map((event) => partitionOf(event.id)));
    if (partitions.size !== 1) tracked.mixedBatches++;
    const partition = [...partitions][0] ?? -1;
    tracked.partitionsSeen.add(partition);
    inFlight.set(partition, (inFlight.get(partition) ?? 0) + 1);
    tracked.maxInFlightPerPartition = Math.max(tracked.maxInFlightPerPartition, inFlight.get(partition)!);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    } finally {
      inFlight.set(partition, inFlight.get(partition)! - 1);
    }
    return then(events);
  };
  return tracked;
}
