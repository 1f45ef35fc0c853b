import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { isNatsUrl } from '../../common/nats/nats-endpoint.js';

/**
 * When a running overlap ends: at a time (a rotation's), or `while-listed`: a default subscription
 * whose `<NAME>_WEBHOOK_SECRET` lists two secrets signs with the second for as long as it does.
 */
export type OverlapEnd = Date | 'while-listed';

/** The end of an overlap in words, for a message: "until <time>" or while the variable lists it. */
export function overlapEndText(end: OverlapEnd, formatDate: (date: Date) => string): string {
  return end === 'while-listed'
    ? 'for as long as its secret variable lists two secrets'
    : `until ${formatDate(end)}`;
}

/** An overlap's end for JSON: an ISO time, or `while-listed`. */
export const overlapEndJson = (end: OverlapEnd | null) => (end instanceof Date ? end.toISOString() : end);

export type RotateResult =
  /** `endedOverlap`: when the overlap this rotation ended would have ended (null: none ran). */
  | { ok: true; previousValidUntil: Date | null; endedOverlap: OverlapEnd | null }
  | { ok: false; reason: 'not-found' | 'nats' | 'same-secret' }
  /** Another rotation changed the secret between this one's read and its update. */
  | { ok: false; reason: 'changed' }
  /** An overlap is running and the caller asked not to end it (its previous secret would be dropped). */
  | { ok: false; reason: 'overlap-running'; until: OverlapEnd };

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
    // 'infinity' (a variable listing two secrets) as a flag: the driver would read it as a number.
    .select(sql<boolean>`previous_secret_until = 'infinity'`.as('while_listed'))
    .select(
      sql<Date | null>`case when previous_secret_until > now() and previous_secret_until <> 'infinity'
                            then previous_secret_until end`.as('overlap_until'),
    )
    .where('name', '=', name)
    .executeTakeFirst();
  if (!current) return { ok: false, reason: 'not-found' };
  if (isNatsUrl(current.endpoint_url)) return { ok: false, reason: 'nats' };
  if (current.secret === secret) return { ok: false, reason: 'same-secret' };
  const running: OverlapEnd | null = current.while_listed ? 'while-listed' : current.overlap_until;
  if (running && !options.endRunningOverlap) return { ok: false, reason: 'overlap-running', until: running };
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
    endedOverlap: running,
  };
}
