import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

/**
 * A default subscription's secrets as its `<NAME>_WEBHOOK_SECRET` lists them, the variable the
 * subscriber reads too: the first is the signing secret; a second is signed with as well, for as
 * long as the variable lists it (stored as the previous secret, valid until 'infinity'; the next
 * start without it drops it). So with one variable shared by both ends, "new,old" then "new" rotates
 * without a refused delivery, whichever end restarts first.
 *
 * A single secret that is already the signing one leaves an overlap that `rotate-secret` started
 * (a finite one) running: the operator moved the variable to the rotated secret, as its note asks.
 */
export async function syncVariableSecrets(
  db: Kysely<DB>,
  name: string,
  [signing, accepted]: readonly string[],
): Promise<void> {
  if (signing === undefined) return;
  if (accepted !== undefined) {
    await db
      .updateTable('subscriptions')
      .set({
        secret: signing,
        previous_secret: accepted,
        previous_secret_until: sql<Date>`'infinity'`,
        updated_at: sql`now()`,
      })
      .where('name', '=', name)
      .where((eb) =>
        eb.or([
          eb('secret', '<>', signing),
          eb('previous_secret', 'is distinct from', accepted),
          eb('previous_secret_until', '<>', sql<Date>`'infinity'`),
          eb('previous_secret_until', 'is', null),
        ]),
      )
      .execute();
    return;
  }
  await db
    .updateTable('subscriptions')
    .set({ secret: signing, previous_secret: null, previous_secret_until: null, updated_at: sql`now()` })
    .where('name', '=', name)
    .where((eb) =>
      eb.or([eb('secret', '<>', signing), eb('previous_secret_until', '=', sql<Date>`'infinity'`)]),
    )
    .execute();
}
