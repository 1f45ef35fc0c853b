import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { FENCE } from '../streams/fence.js';
import type { SubscriptionInput } from './subscription.js';

export type CreateResult = { ok: true } | { ok: false; reason: 'exists' };

/**
 * Inserts the subscription and its stream. From `now`, the checkpoint sits at the fence, just before
 * the oldest transaction of this database still running: nothing committed from now on can be
 * skipped, at the price of maybe also delivering a few events committed just before.
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
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  if (!inserted) return { ok: false, reason: 'exists' };
  await trx
    .insertInto('relay_streams')
    .values({
      subscription_name: input.name,
      ...(input.from === 'now' ? { checkpoint_tx_id: FENCE, checkpoint_position: 0 } : {}),
    })
    .execute();
  return { ok: true };
}
