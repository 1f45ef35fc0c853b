import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

/**
 * Deletes outbox events that every stream has passed (at or before the lowest checkpoint, disabled
 * subscriptions included: they resume where they stopped) and that occurred before `cutoff`, in
 * chunks so that no single statement holds many row locks. Dead letters keep their own copy of the
 * event, so parked events survive the purge. Returns how many rows went.
 */
export async function purgeOutbox(db: Kysely<DB>, cutoff: Date, chunk = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const { numAffectedRows } = await sql`
      with lowest as (
        select checkpoint_tx_id, checkpoint_position from relay_streams
        order by checkpoint_tx_id, checkpoint_position limit 1)
      delete from outbox where position in (
        select o.position from outbox o
        where o.occurred_at < ${cutoff}
          and (not exists (select from lowest)
               or (o.tx_id, o.position) <= (select checkpoint_tx_id, checkpoint_position from lowest))
        limit ${chunk})`.execute(db);
    const deleted = Number(numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < chunk) return total;
  }
}
