import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { toOutboxEvent, type OutboxEvent } from '../../common/events/outbox-event.js';

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
  return rows.map(toOutboxEvent);
}
