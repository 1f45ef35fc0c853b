import { sql, type RawBuilder } from 'kysely';

/**
 * A subscription is `partitions` ordered streams; a stream is one partition of one subscription.
 * Each has its own checkpoint, lease, retry state, dead letters and held followers.
 */
export type StreamKey = { subscription: string; partition: number };

/** The most partitions a subscription may have (the schema's check says the same). */
export const MAX_PARTITIONS = 1024;

/** How a stream is named in logs, the admin endpoint and `ownedStreams()`: `email/0`. */
export function streamId(key: StreamKey): string {
  return `${key.subscription}/${key.partition}`;
}

/**
 * THE definition of an event's partition, in SQL: `mod(partition_key, partitions) = partition`,
 * where `partition_key` is the outbox column `outbox_partition_key(aggregate_id)` stores for every
 * event (a stable hash of the order id; why it never changes: the partition_streams migration).
 * Every statement that selects a partition's events says it through this, and nothing else
 * computes a partition: the relay passes the partition number of the stream it delivers.
 * A filter on the row, so a stream read stays on the (tx_id, position) index.
 */
export function inPartition(
  partitionKey: RawBuilder<unknown>,
  partitions: number | RawBuilder<unknown>,
  partition: number | RawBuilder<unknown>,
): RawBuilder<boolean> {
  return sql<boolean>`mod(${partitionKey}, ${partitions}::int) = ${partition}::int`;
}
