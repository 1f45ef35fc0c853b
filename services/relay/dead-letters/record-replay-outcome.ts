import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { StreamKey } from '../streams/partition.js';

/**
 * Delivered: the letters are marked replayed (kept as history, no longer blocking their order). The
 * order's letters still open (a follower held after the operator's request, or beyond the batch)
 * inherit the request, so none is left held with nothing ahead of it to replay.
 */
export async function markReplayed(
  db: Kysely<DB>,
  subscription: string,
  orderId: string,
  ids: readonly string[],
  at: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('dead_letters')
      .set({ replayed_at: at, replay_requested_at: null })
      .where('id', 'in', ids)
      .execute();
    await trx
      .updateTable('dead_letters')
      .set({ replay_requested_at: sql`coalesce(replay_requested_at, now())` })
      .where('subscription_name', '=', subscription)
      .where('aggregate_id', '=', orderId)
      .where('replayed_at', 'is', null)
      .execute();
  });
}

export type ReplayFailure = { at: Date; error: string; statusCode: number | null };

/** One more attempt of a letter, with its outcome. */
const attempted = (failure: ReplayFailure) => ({
  error: failure.error,
  status_code: failure.statusCode,
  last_attempt_at: failure.at,
  attempts: sql<number>`attempts + 1`,
});

/**
 * A replay attempt of `id` failed for a reason that will pass (the subscriber is down, or its
 * secret is wrong): the letter counts the attempt and stays requested, and the stream waits until
 * `retryAt` (stored, so that a wake-up or a restart does not knock again sooner).
 */
export async function recordReplayRetry(
  db: Kysely<DB>,
  stream: StreamKey,
  id: string,
  failure: ReplayFailure,
  retryAt: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('dead_letters').set(attempted(failure)).where('id', '=', id).execute();
    await trx
      .updateTable('relay_streams')
      .set({ next_attempt_at: retryAt, updated_at: sql`now()` })
      .where('subscription_name', '=', stream.subscription)
      .where('partition', '=', stream.partition)
      .execute();
  });
}

/**
 * The subscriber refused the letter `id` again, or broke on it: it is parked (no longer held)
 * with the new error, and its order's replay request is withdrawn, so the operator decides again;
 * its followers stay held behind it.
 */
export async function recordReplayRefusal(
  db: Kysely<DB>,
  subscription: string,
  orderId: string,
  id: string,
  failure: ReplayFailure,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('dead_letters')
      .set({ held: false, ...attempted(failure) })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('dead_letters')
      .set({ replay_requested_at: null })
      .where('subscription_name', '=', subscription)
      .where('aggregate_id', '=', orderId)
      .where('replayed_at', 'is', null)
      .execute();
  });
}
