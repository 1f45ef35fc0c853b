import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { isNatsUrl } from '../../common/nats/nats-endpoint.js';

export type RotateResult =
  /** `endedOverlapUntil`: when the overlap this rotation ended would have ended (null: none ran). */
  | { ok: true; previousValidUntil: Date | null; endedOverlapUntil: Date | null }
  | { ok: false; reason: 'not-found' | 'nats' | 'same-secret' }
  /** Another rotation changed the secret between this one's read and its update. */
  | { ok: false; reason: 'changed' }
  /** An overlap is running and the caller asked not to end it (its previous secret would be dropped). */
  | { ok: false; reason: 'overlap-running'; until: Date };

/**
 * Makes `secret` the subscription's signing secret and keeps the one it replaces valid for
 * `overlapMs` (by the database's clock, which every relay instance reads): until then the relay
 * signs each delivery with both. A rotation during another's overlap ends that overlap (the secret
 * before last is dropped); an overlap of 0 switches at once. A NATS subscription signs nothing, so
 * it has no secret to rotate. The update changes only the secret read first, so of two rotations
 * racing one fails rather than both keeping a different previous secret.
 */
export async function rotateSecret(
  db: Kysely<DB>,
  name: string,
  secret: string,
  overlapMs: number,
  options: { endRunningOverlap: boolean } = { endRunningOverlap: true },
): Promise<RotateResult> {
  const current = await db
    .selectFrom('subscriptions')
    .select(['endpoint_url', 'secret'])
    .select(
      sql<Date | null>`case when previous_secret_until > now() then previous_secret_until end`.as(
        'overlap_until',
      ),
    )
    .where('name', '=', name)
    .executeTakeFirst();
  if (!current) return { ok: false, reason: 'not-found' };
  if (isNatsUrl(current.endpoint_url)) return { ok: false, reason: 'nats' };
  if (current.secret === secret) return { ok: false, reason: 'same-secret' };
  if (current.overlap_until && !options.endRunningOverlap)
    return { ok: false, reason: 'overlap-running', until: current.overlap_until };
  const keep = overlapMs > 0;
  const row = await db
    .updateTable('subscriptions')
    .set({
      previous_secret: keep ? sql<string>`secret` : null,
      previous_secret_until: keep ? sql<Date>`now() + make_interval(secs => ${overlapMs / 1000})` : null,
      secret,
      updated_at: sql`now()`,
    })
    .where('name', '=', name)
    .where('secret', '=', current.secret)
    .returning('previous_secret_until')
    .executeTakeFirst();
  // Another rotation came first: its secret is not the one the caller saw.
  if (!row) return { ok: false, reason: 'changed' };
  return {
    ok: true,
    previousValidUntil: row.previous_secret_until,
    endedOverlapUntil: current.overlap_until,
  };
}
