import { sql, type Kysely } from 'kysely';
import type { Distribution } from './percentiles.js';
import type { InboxTable } from './inbox-progress.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Where each latency starts and ends. With `track_commit_timestamp` on, both ends are commit times
 * (the outbox row's transaction, the inbox row's transaction): exactly "from the outbox commit to
 * the subscriber's commit". Without it, outbox.occurred_at (set just before the command commits)
 * to inbox.processed_at (set as the subscriber's transaction runs): a little earlier at both ends.
 * Either way one clock: everything runs on one machine and PostgreSQL stamps both ends.
 */
export type LatencyClock = 'commit-timestamps' | 'occurred_at-to-processed_at';

export async function latencyClock(db: AnyDb): Promise<LatencyClock> {
  const { rows } = await sql<{ on: boolean }>`
    select current_setting('track_commit_timestamp') = 'on' as on`.execute(db);
  return rows[0]?.on ? 'commit-timestamps' : 'occurred_at-to-processed_at';
}

/** The outbox position now: events after it belong to what runs next. */
export async function outboxHighWater(db: AnyDb): Promise<string> {
  const { rows } = await sql<{ position: string }>`
    select coalesce(max(position), 0)::text as position from outbox`.execute(db);
  return rows[0]!.position;
}

/**
 * Latency percentiles, in milliseconds, of the events with positions in (after, upTo], over every
 * delivery to the given inboxes (one inbox: that subscriber; all four: every delivery).
 */
export async function endToEndLatency(
  db: AnyDb,
  inboxes: InboxTable[],
  range: { after: string; upTo: string },
  clock: LatencyClock,
): Promise<Distribution> {
  const latency =
    clock === 'commit-timestamps'
      ? sql`pg_xact_commit_timestamp(i.xmin) - pg_xact_commit_timestamp(o.xmin)`
      : sql`i.processed_at - o.occurred_at`;
  // The inbox's event_id may be uuid or text; the cast makes the join work either way.
  const deliveries = sql.join(
    inboxes.map(
      (inbox) => sql`select event_id::uuid as event_id, processed_at, xmin from ${sql.table(inbox.table)}`,
    ),
    sql` union all `,
  );
  const { rows } = await sql<{ count: string; p50: number; p95: number; p99: number; max: number }>`
    with latencies as (
      select extract(epoch from ${latency})::float8 * 1000 as ms
        from outbox o
        join (${deliveries}) i on i.event_id = o.event_id
       where o.position > ${range.after}::bigint and o.position <= ${range.upTo}::bigint
    )
    select count(*) as count,
           coalesce(percentile_disc(0.50) within group (order by ms), 0) as p50,
           coalesce(percentile_disc(0.95) within group (order by ms), 0) as p95,
           coalesce(percentile_disc(0.99) within group (order by ms), 0) as p99,
           coalesce(max(ms), 0) as max
      from latencies`.execute(db);
  const row = rows[0]!;
  return { count: Number(row.count), p50: row.p50, p95: row.p95, p99: row.p99, max: row.max };
}
