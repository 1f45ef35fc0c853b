import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';
import { prepared } from '../../shared/db/prepared-statements.js';

/** The oldest dead letter of a subscription waiting to be replayed, if any. */
export async function nextReplay(db: Kysely<DB>, subscription: string): Promise<DeadLetter | undefined> {
  const row = await db
    .selectFrom('dead_letters')
    .selectAll()
    .select(sql<string>`tx_id::text`.as('tx_id'))
    .where('subscription_name', '=', subscription)
    .where('replay_requested_at', 'is not', null)
    .where('replayed_at', 'is', null)
    .orderBy('dead_letters.tx_id')
    .orderBy('position')
    .limit(1)
    .modifyEnd(prepared)
    .executeTakeFirst();
  return row ? toDeadLetter(row) : undefined;
}
