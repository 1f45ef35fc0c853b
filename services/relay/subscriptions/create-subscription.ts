import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { sql } from 'kysely';
import { FENCE } from '../streams/fence.js';
import type { SubscriptionInput } from './subscription.js';

export type CreateResult = { ok: true } | { ok: false; reason: 'exists' };

/**
 * Inserts the subscription and its streams, one per partition (0 .. partitions - 1). From `now`,
 * every partition's checkpoint sits at the fence, just before the oldest transaction of this
 * database still running: nothing committed from now on can be skipped, at the price of maybe also
 * delivering a few events committed just before. One statement, so all partitions start at the
 * same point.
 */
export async function createSubscription(
  trx: Transaction<DB>,
  input: SubscriptionInput,
): Promise<CreateResult> {
  const inserted = await trx
    .insertInto('subscriptions')
    .values({
      name: input.name,
      endpoint_url: input.endpointUrl,
      event_types: input.eventTypes,
      secret: input.secret,
      ...(input.dedupeWindowMs === undefined ? {} : { dedupe_window_ms: input.dedupeWindowMs }),
      partitions: input.partitions ?? 1,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  if (!inserted) return { ok: false, reason: 'exists' };
  const start = input.from === 'now' ? FENCE : sql<string>`'0'::xid8`;
  await sql`
    insert into relay_streams (subscription_name, partition, checkpoint_tx_id, checkpoint_position)
    select ${input.name}, partition, fence.txid, 0
    from generate_series(0, ${(input.partitions ?? 1) - 1}::int) as partition,
         (select ${start} as txid) as fence`.execute(trx);
  return { ok: true };
}
