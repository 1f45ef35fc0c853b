import { sql, type Kysely } from 'kysely';

/**
 * Partitioned streams: a subscription is N ordered streams (`subscriptions.partitions`, 1..1024),
 * each a row of `relay_streams` keyed by (subscription_name, partition) with its own checkpoint,
 * lease and retry state. Existing streams become partition 0 of a one-partition subscription, so
 * an upgrade keeps every checkpoint and loses nothing.
 *
 * The partition of an event is `mod(outbox.partition_key, N)`, where `partition_key` is
 * `outbox_partition_key(aggregate_id)`: the first 32 bits of the SHA-256 of the order id's 16 bytes,
 * as a non-negative bigint. Every event of an order has the same key, so an order's events are all
 * in one partition of a subscription, and its order holds within that partition's stream.
 *
 * Why it must never change, and why it cannot: the key is stored with each event (a STORED
 * generated column, computed once at insert), and a stream's checkpoint says which of its
 * partition's events it is done with. A key that changed for stored events would move events from
 * one partition to another behind or ahead of their checkpoints: some delivered twice, some never.
 * So the key depends on nothing that can change: SHA-256 is a fixed standard (not PostgreSQL's
 * internal `hashtext`/`hash_any`, which are not promised to stay the same across major versions
 * or platforms), and `uuid_send` gives the uuid's 16 bytes in network order whatever the server.
 * A test pins known keys. Never `create or replace` this function: stored keys would keep the old
 * values while new rows took new ones.
 *
 * The column is on the outbox rather than computed in the stream read so that the read stays on
 * the (tx_id, position) index and only filters the rows it walks (`mod(partition_key, N) = p`);
 * adding it rewrites the outbox once (an upgrade with a large outbox takes that long).
 *
 * Dead letters carry the partition whose stream parked or held them: replay and the held-follower
 * checks of a partition's stream look only at their own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function outbox_partition_key(aggregate_id uuid) returns bigint
    language sql immutable strict parallel safe
    as $$
      select ('x' || encode(substr(sha256(uuid_send(aggregate_id)), 1, 4), 'hex'))::bit(32)::bigint
    $$`.execute(db);
  await sql`
    alter table outbox
    add column partition_key bigint not null
    generated always as (outbox_partition_key(aggregate_id)) stored`.execute(db);

  await db.schema
    .alterTable('subscriptions')
    .addColumn('partitions', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(1)
        .check(sql`partitions between 1 and 1024`),
    )
    .execute();

  await db.schema
    .alterTable('relay_streams')
    .addColumn('partition', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(0)
        .check(sql`partition >= 0 and partition < 1024`),
    )
    .execute();
  await sql`alter table relay_streams drop constraint relay_streams_pkey`.execute(db);
  await sql`alter table relay_streams add primary key (subscription_name, partition)`.execute(db);

  await db.schema
    .alterTable('dead_letters')
    .addColumn('partition', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.dropIndex('dead_letters_pending_replay_idx').execute();
  await db.schema
    .createIndex('dead_letters_pending_replay_idx')
    .on('dead_letters')
    .columns(['subscription_name', 'partition', 'position'])
    .where(sql.ref('replay_requested_at'), 'is not', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('dead_letters_pending_replay_idx').execute();
  await db.schema
    .createIndex('dead_letters_pending_replay_idx')
    .on('dead_letters')
    .columns(['subscription_name', 'position'])
    .where(sql.ref('replay_requested_at'), 'is not', null)
    .execute();
  await db.schema.alterTable('dead_letters').dropColumn('partition').execute();
  // Only partition 0 can stay when a stream is one row per subscription again.
  await db.deleteFrom('relay_streams').where('partition', '<>', 0).execute();
  await sql`alter table relay_streams drop constraint relay_streams_pkey`.execute(db);
  await sql`alter table relay_streams add primary key (subscription_name)`.execute(db);
  await db.schema.alterTable('relay_streams').dropColumn('partition').execute();
  await db.schema.alterTable('subscriptions').dropColumn('partitions').execute();
  await db.schema.alterTable('outbox').dropColumn('partition_key').execute();
  await sql`drop function outbox_partition_key(uuid)`.execute(db);
}
