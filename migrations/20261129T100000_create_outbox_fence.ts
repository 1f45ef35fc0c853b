import { sql, type Kysely } from 'kysely';

/**
 * `outbox_fence()`: the relay reads only outbox rows whose `tx_id` is below it. Every row below the
 * fence is either visible to the calling statement or will never commit, so a stream that reads
 * behind it and moves its checkpoint past what it read never skips a row committed later.
 *
 * Where `pg_snapshot_xmin(pg_current_snapshot())` (the oldest transaction running anywhere on the
 * server) would do, this ignores the transactions the snapshot lists as running that are KNOWN to
 * belong to another database: a session's `backend_xid` in `pg_stat_activity` with another `datid`,
 * or a prepared transaction of another database. Those cannot have written our outbox, and without
 * this a psql left idle in transaction in any database of the server stops every stream. An xid that
 * cannot be attributed (it ended between the snapshot and the look-up, or this role is not shown it)
 * still holds the fence: an attribution can only be wrong by being missing, never by naming the
 * wrong database, since a backend never changes database and an xid names one transaction.
 *
 * The snapshot lists xids as xid8, `pg_stat_activity` and `pg_prepared_xacts` as 32-bit xid: they
 * are compared on the low 32 bits (`xid8::xid`), which is exact for transactions that are running,
 * since running xids span far less than 2^31.
 *
 * STABLE, so it runs on the calling statement's snapshot: a statement that computes the fence once
 * (a MATERIALIZED CTE) sees exactly the rows that fence promises.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function outbox_fence() returns xid8
    language sql stable parallel restricted
    as $$
      with snapshot as materialized (
        select pg_current_snapshot() as taken
      ), other_databases as (
        select activity.backend_xid as xid
        from pg_stat_activity as activity
        where activity.backend_xid is not null
          and activity.datid <> (select oid from pg_database where datname = current_database())
        union all
        select prepared.transaction
        from pg_prepared_xacts as prepared
        where prepared.database <> current_database()
      )
      select coalesce(
        (select min(running.xid)
         from snapshot, pg_snapshot_xip(snapshot.taken) as running(xid)
         where not exists (select 1 from other_databases where other_databases.xid = running.xid::xid)),
        (select pg_snapshot_xmax(snapshot.taken) from snapshot))
    $$`.execute(db);
  await sql`
    comment on function outbox_fence() is
      'The relay reads outbox rows with tx_id below this: the oldest transaction still running that is '
      'not known to belong to another database, else the snapshot''s xmax'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function outbox_fence()`.execute(db);
}
