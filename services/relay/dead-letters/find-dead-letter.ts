import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';

/** One dead letter by its id (what the console's detail view shows), or undefined. */
export async function findDeadLetter(db: Kysely<DB>, id: string): Promise<DeadLetter | undefined> {
  const row = await db
    .selectFrom('dead_letters')
    .selectAll()
    .select(sql<string>`tx_id::text`.as('tx_id'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDeadLetter(row) : undefined;
}
