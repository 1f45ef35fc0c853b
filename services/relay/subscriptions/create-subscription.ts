import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { sql } from 'kysely';
import { FENCE } from '../streams/fence.js';
import type { SubscriptionInput } from './subscription.js';

export type CreateResult = { ok: true } | { ok: false; reason: 'exists' };

/** `from: { checkpointOf }` named a subscription that does not exist: nothing is created. */
export class NoSuchSourceSubscription extends Error {
  constructor(readonly source: string) {
    super(`no subscription "${source}" to take the checkpoint of`);
    this.name = 'NoSuchSourceSubscription';
  }
}

/**
 * Inserts the subscription and its streams, one per partition (0 .. partitions - 1). From `now`,
 * every partition's checkpoint sits at the fence, just before the oldest transaction of this
 * database still running: nothing committed from now on can be skipped, at the price of maybe also
 * delivering a few events committed just before. From the checkpoint of another subscription,
 * every partition starts at that one's lowest: the way to change a partition count (see
 * docs/decisions/partition-count-fixed.md). One statement, so all partitions start at the same point.
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
  const partitions = sql`generate_series(0, ${(input.partitions ?? 1) - 1}::int) as partition`;
  if (typeof input.from === 'object') {
    // The lowest checkpoint of the source's partitions: everything any of them has not delivered
    // yet is delivered by the new streams, which may repeat what the others already delivered (the
    // subscriber drops those by event id), never skip it, and keep each order in order.
    const { rows } = await sql`
      insert into relay_streams (subscription_name, partition, checkpoint_tx_id, checkpoint_position)
      select ${input.name}, partition, lowest.checkpoint_tx_id, lowest.checkpoint_position
      from ${partitions}, (
        select checkpoint_tx_id, checkpoint_position from relay_streams
        where subscription_name = ${input.from.checkpointOf}
        order by checkpoint_tx_id, checkpoint_position
        limit 1) as lowest
      returning partition`.execute(trx);
    if (rows.length === 0) {
      // Rolled back with the subscription row by the caller's transaction.
      throw new NoSuchSourceSubscription(input.from.checkpointOf);
    }
    return { ok: true };
  }
  const start = input.from === 'now' ? FENCE : sql<string>`'0'::xid8`;
  await sql`
    insert into relay_streams (subscription_name, partition, checkpoint_tx_id, checkpoint_position)
    select ${input.name}, partition, fence.txid, 0
    from ${partitions}, (select ${start} as txid) as fence`.execute(trx);
  return { ok: true };
}
