import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';

/** Dead letters in stream order; replayed ones only when asked for. */
export async function listDeadLetters(
  db: Kysely<DB>,
  options: { subscription?: string; includeReplayed?: boolean } = {},
): Promise<DeadLetter[]> {
  let query = db
    .selectFrom('dead_letters')
    .selectAll()
    .select(sql<string>`tx_id::text`.as('tx_id'))
    .orderBy('subscription_name')
    .orderBy('dead_letters.tx_id')
    .orderBy('position');
  if (options.subscription) query = query.where('subscription_name', '=', options.subscription);
  if (!options.includeReplayed) query = query.where('replayed_at', 'is', null);
  const rows = await query.execute();
  return rows.map(toDeadLetter);
}
