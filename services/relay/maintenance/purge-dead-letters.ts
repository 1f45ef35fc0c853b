import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

export type DeadLetterPurge = {
  /** Letters replayed (delivered) before the cut-off: history. */
  replayed: number;
  /** Discarded letters kept for audit, discarded before the cut-off. */
  discarded: number;
  /** Open letters expired: whole orders whose newest letter is older than the cut-off. */
  expired: number;
};

/**
 * RELAY_DEAD_LETTER_RETENTION: deletes what is older than `cutoff`. Open letters expire by order,
 * all of an order's together and only once its newest one (held followers included) is older, so
 * that no follower is ever left held with nothing ahead of it, nor delivered without its parked
 * event by a job nobody watched; an order whose replay is requested is left to the relay.
 */
export async function purgeDeadLetters(db: Kysely<DB>, cutoff: Date): Promise<DeadLetterPurge> {
  const replayed = await db.deleteFrom('dead_letters').where('replayed_at', '<', cutoff).executeTakeFirst();
  const discarded = await db
    .deleteFrom('discarded_dead_letters')
    .where('discarded_at', '<', cutoff)
    .executeTakeFirst();
  const expired = await sql`
    with expired as (
      select subscription_name, aggregate_id from dead_letters
      where replayed_at is null
      group by subscription_name, aggregate_id
      having max(parked_at) < ${cutoff} and count(replay_requested_at) = 0)
    delete from dead_letters d using expired e
    where d.subscription_name = e.subscription_name and d.aggregate_id = e.aggregate_id
      and d.replayed_at is null`.execute(db);
  return {
    replayed: Number(replayed.numDeletedRows),
    discarded: Number(discarded.numDeletedRows),
    expired: Number(expired.numAffectedRows ?? 0n),
  };
}
