import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { EventMetadata, OutboxEvent } from '../../shared/events/outbox-event.js';

/** The order's events still in the outbox, in the order they were written. */
export async function listOrderEvents(db: Kysely<DB>, orderId: string): Promise<OutboxEvent[]> {
  const rows = await db
    .selectFrom('outbox')
    .select([
      'position',
      'event_id',
      'aggregate_type',
      'aggregate_id',
      'aggregate_version',
      'event_type',
      'payload',
      'metadata',
      'occurred_at',
    ])
    .where('aggregate_id', '=', orderId)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    position: row.position,
    eventId: row.event_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    eventType: row.event_type,
    payload: row.payload,
    metadata: row.metadata as EventMetadata,
    occurredAt: row.occurred_at,
  }));
}
