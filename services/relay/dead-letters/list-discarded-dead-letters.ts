import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { filterCondition, type DeadLetterFilter } from './dead-letter-filter.js';

/** A dead letter an operator discarded: the audit row `outbox dead-letters --discarded` shows. */
export type DiscardedDeadLetter = {
  subscription: string;
  partition: number;
  eventId: string;
  eventType: string;
  orderId: string;
  position: string;
  held: boolean;
  error: string;
  statusCode: number | null;
  parkedAt: Date;
  discardedAt: Date;
  discardedBy: string;
};

/** Discarded letters, the latest first; the filters match as on open ones (`--since`: parked since). */
export async function listDiscardedDeadLetters(
  db: Kysely<DB>,
  options: { subscription?: string; partition?: number; filter?: DeadLetterFilter } = {},
): Promise<DiscardedDeadLetter[]> {
  let query = db.selectFrom('discarded_dead_letters as x').selectAll('x').orderBy('x.id', 'desc');
  if (options.subscription) query = query.where('x.subscription_name', '=', options.subscription);
  if (options.partition !== undefined) query = query.where('x.partition', '=', options.partition);
  if (options.filter) query = query.where(filterCondition('x', options.filter));
  const rows = await query.execute();
  return rows.map((row) => ({
    subscription: row.subscription_name,
    partition: row.partition,
    eventId: row.event_id,
    eventType: row.event_type,
    orderId: row.aggregate_id,
    position: String(row.position),
    held: row.held,
    error: row.error,
    statusCode: row.status_code,
    parkedAt: row.parked_at,
    discardedAt: row.discarded_at,
    discardedBy: row.discarded_by,
  }));
}
