import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { StreamKey } from './partition.js';

/**
 * Stream ownership by lease: an owner renews its leases every heartbeat; a lease not renewed within
 * its TTL (the owner was SIGKILLed, or lost the database) may be claimed by another instance. All
 * times are the database's clock, the one every instance shares. A lease is a stream's: one
 * partition of one subscription, so the partitions of a subscription are shared out like any
 * other streams.
 */

type KeyRow = { subscription_name: string; partition: number };
const toKey = (row: KeyRow): StreamKey => ({ subscription: row.subscription_name, partition: row.partition });

/** Registers (or refreshes) this instance; returns how many instances are alive, itself included. */
export async function heartbeatInstance(db: Kysely<DB>, instanceId: string, ttlMs: number): Promise<number> {
  await db
    .insertInto('relay_instances')
    .values({
      id: instanceId,
      started_at: sql`now()`,
      heartbeat_at: sql`now()`,
      expires_at: sql`now() + ${ttlMs} * interval '1 millisecond'`,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ heartbeat_at: sql`now()`, expires_at: sql`excluded.expires_at` }),
    )
    .execute();
  const row = await db
    .selectFrom('relay_instances')
    .select((eb) => eb.fn.countAll<string>().as('alive'))
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Number(row.alive);
}

export async function removeInstance(db: Kysely<DB>, instanceId: string): Promise<void> {
  await db.deleteFrom('relay_instances').where('id', '=', instanceId).execute();
  // Instances that died without saying goodbye: keep the table small.
  await db
    .deleteFrom('relay_instances')
    .where('expires_at', '<', sql<Date>`now() - interval '1 hour'`)
    .execute();
}

/** Extends every lease `owner` holds on an enabled stream; returns the streams it still owns. */
export async function renewLeases(db: Kysely<DB>, owner: string, ttlMs: number): Promise<StreamKey[]> {
  const rows = await db
    .updateTable('relay_streams')
    .set({ lease_expires_at: sql`now() + ${ttlMs} * interval '1 millisecond'` })
    .where('lease_owner', '=', owner)
    .returning(['subscription_name', 'partition'])
    .execute();
  return rows.map(toKey);
}

/** How many streams there are to share (the partitions of the enabled subscriptions). */
export async function countEnabledStreams(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('relay_streams as r')
    .innerJoin('subscriptions as s', 's.name', 'r.subscription_name')
    .select((eb) => eb.fn.countAll<string>().as('streams'))
    .where('s.enabled', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.streams);
}

/**
 * Claims up to `limit` enabled streams whose lease is free or expired. SKIP LOCKED plus the repeated
 * condition make two instances claiming at once split the streams instead of sharing one. Partition
 * numbers first, so that the partitions of one subscription land on different instances rather
 * than all on the first to claim.
 */
export async function claimStreams(
  db: Kysely<DB>,
  owner: string,
  ttlMs: number,
  limit: number,
): Promise<StreamKey[]> {
  if (limit <= 0) return [];
  const { rows } = await sql<KeyRow>`
    update relay_streams
    set lease_owner = ${owner}, lease_expires_at = now() + ${ttlMs} * interval '1 millisecond'
    where (subscription_name, partition) in (
      select r.subscription_name, r.partition from relay_streams r
      join subscriptions s on s.name = r.subscription_name
      where s.enabled and (r.lease_owner is null or r.lease_expires_at < now())
      order by r.partition, r.subscription_name
      limit ${limit}
      for update of r skip locked)
    and (lease_owner is null or lease_expires_at < now())
    returning subscription_name, partition`.execute(db);
  return rows.map(toKey);
}

/** Gives streams back (shutdown, rebalancing, a disabled subscription). */
export async function releaseLeases(db: Kysely<DB>, owner: string, streams?: StreamKey[]): Promise<void> {
  let query = db
    .updateTable('relay_streams')
    .set({ lease_owner: null, lease_expires_at: null })
    .where('lease_owner', '=', owner);
  if (streams) {
    if (streams.length === 0) return;
    query = query.where((eb) =>
      eb(
        eb.refTuple('subscription_name', 'partition'),
        'in',
        streams.map((stream) => eb.tuple(stream.subscription, stream.partition)),
      ),
    );
  }
  await query.execute();
}
