import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { SubscriberName } from '../inbox/subscriber.js';

/**
 * Which instance of a subscriber consumes which NATS partition, on the database clock so that
 * instances on different hosts agree on when a lease has run out. Rows live in the subscriber's own
 * schema (`<schema>.partition_leases`, `<schema>.consumer_instances`). See
 * docs/decisions/nats-partition-leases.md for why this keeps each order's events in order.
 */

/** A lease held: its partition and how long it has left, as the database saw it when it answered. */
export type HeldLease = { partition: number; remainingMs: number };

const leases = (schema: SubscriberName) => sql.table(`${schema}.partition_leases`);
const instances = (schema: SubscriberName) => sql.table(`${schema}.consumer_instances`);

type LeaseRow = { partition: number; remaining_ms: string | number };
const toHeld = (rows: LeaseRow[]): HeldLease[] =>
  rows
    .map((row) => ({ partition: row.partition, remainingMs: Number(row.remaining_ms) }))
    .sort((a, b) => a.partition - b.partition);

/** One row per partition 0..partitions-1, free; rows that exist are left as they are. */
export async function ensurePartitionRows(
  db: Kysely<DB>,
  schema: SubscriberName,
  partitions: number,
): Promise<void> {
  await sql`
    insert into ${leases(schema)} (partition)
    select generate_series(0, ${partitions - 1}::int)
    on conflict (partition) do nothing`.execute(db);
}

/**
 * Says this instance is alive for `ttlMs` more and answers how many instances are alive (itself
 * included): the fair share of partitions is ceil(partitions / that). Long-dead instances are removed.
 */
export async function heartbeat(
  db: Kysely<DB>,
  schema: SubscriberName,
  instanceId: string,
  ttlMs: number,
): Promise<number> {
  await sql`
    insert into ${instances(schema)} (instance_id, expires_at)
    values (${instanceId}, clock_timestamp() + ${ttlMs} * interval '1 millisecond')
    on conflict (instance_id) do update set expires_at = excluded.expires_at`.execute(db);
  await sql`delete from ${instances(schema)} where expires_at < clock_timestamp() - interval '1 hour'`.execute(
    db,
  );
  const { rows } = await sql<{ live: string }>`
    select count(*) as live from ${instances(schema)} where expires_at > clock_timestamp()`.execute(db);
  return Number(rows[0]!.live);
}

/**
 * Extends every lease this instance still owns (below `partitions`). A lease that ran out but that
 * nobody took is extended too: nobody else consumed that partition in between.
 */
export async function renewLeases(
  db: Kysely<DB>,
  schema: SubscriberName,
  instanceId: string,
  partitions: number,
  ttlMs: number,
): Promise<HeldLease[]> {
  const { rows } = await sql<LeaseRow>`
    update ${leases(schema)} set expires_at = clock_timestamp() + ${ttlMs} * interval '1 millisecond'
    where owner = ${instanceId} and partition < ${partitions}
    returning partition, extract(epoch from expires_at - clock_timestamp()) * 1000 as remaining_ms`.execute(
    db,
  );
  return toHeld(rows);
}

/**
 * Takes up to `count` partitions that are free or whose lease ran out, lowest first. Rows locked by
 * an owner's batch transaction (holdsLease) are skipped, so a claim never lands while the previous
 * owner is committing.
 */
export async function claimLeases(
  db: Kysely<DB>,
  schema: SubscriberName,
  instanceId: string,
  partitions: number,
  count: number,
  ttlMs: number,
): Promise<HeldLease[]> {
  if (count <= 0) return [];
  const { rows } = await sql<LeaseRow>`
    update ${leases(schema)} set owner = ${instanceId},
      expires_at = clock_timestamp() + ${ttlMs} * interval '1 millisecond'
    where partition in (
      select partition from ${leases(schema)}
      where partition < ${partitions} and (owner is null or expires_at <= clock_timestamp())
      order by partition
      limit ${count}
      for update skip locked)
    returning partition, extract(epoch from expires_at - clock_timestamp()) * 1000 as remaining_ms`.execute(
    db,
  );
  return toHeld(rows);
}

/** Gives one partition back (after its consumer stopped and its messages were acknowledged). */
export async function releaseLease(
  db: Kysely<DB>,
  schema: SubscriberName,
  instanceId: string,
  partition: number,
): Promise<void> {
  await sql`
    update ${leases(schema)} set owner = null, expires_at = null
    where owner = ${instanceId} and partition = ${partition}`.execute(db);
}

/** Leaves the group: no longer counted in anyone's fair share. */
export async function forgetInstance(
  db: Kysely<DB>,
  schema: SubscriberName,
  instanceId: string,
): Promise<void> {
  await sql`delete from ${instances(schema)} where instance_id = ${instanceId}`.execute(db);
}

/**
 * Inside a batch's transaction: whether this instance still owns the partition's unexpired lease,
 * locking the row until commit so that nobody can claim it before this batch has committed. An
 * instance that lost its lease (a long pause) therefore never commits after the new owner began.
 */
export async function holdsLease(
  trx: Transaction<DB>,
  schema: SubscriberName,
  instanceId: string,
  partition: number,
): Promise<boolean> {
  const { rows } = await sql`
    select 1 from ${leases(schema)}
    where partition = ${partition} and owner = ${instanceId} and expires_at > clock_timestamp()
    for share`.execute(trx);
  return rows.length > 0;
}
