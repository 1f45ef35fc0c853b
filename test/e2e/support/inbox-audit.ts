import pg from 'pg';
import {
  DEFAULT_SUBSCRIBERS,
  type DefaultSubscriber,
} from '../../../services/common/events/default-subscribers.js';

export type InboxFigures = {
  subscriber: string;
  /** Committed outbox events of the types it takes. */
  expected: number;
  /** Of those, the ones its inbox has not recorded (after convergence: lost). */
  missing: number;
  /** Pairs of one order's events recorded in the opposite order of their versions. */
  orderViolations: number;
};

/** What an inbox recorded, as two arrays ready to be joined with the outbox. */
type InboxRows = { ids: string[]; processedAt: string[] };

/**
 * `recorded` in the queries below: a subscriber's inbox (event_id, processed_at), read from its own
 * database and handed to the main one as arrays (the two are separate databases: no join across).
 * processed_at travels as text so that no precision is lost on the way.
 */
const RECORDED = `recorded as (
  select * from unnest($2::uuid[], $3::timestamptz[]) as recorded(event_id, processed_at))`;

/**
 * Reads, straight from PostgreSQL, what each subscriber's inbox recorded against what the outbox
 * holds: the ground truth for "lost" and "per-order order". Each subscriber has an inbox table
 * (event_id, event_type, processed_at) in its own schema, in its own database; found by name, so
 * the audit does not depend on how the subscribers name their schemas beyond containing the
 * subscriber's name.
 */
export class InboxAudit {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly schemas = new Map<string, string>();

  /**
   * `subscriberDatabaseUrls`: each subscriber's database by name; the main one for any not listed
   * (required, so that a caller cannot forget the subscribers' own databases and audit empty
   * inboxes left in the main one).
   */
  constructor(
    private readonly databaseUrl: string,
    private readonly subscriberDatabaseUrls: Record<string, string>,
  ) {}

  /**
   * For a failing run: the events of up to `limit` orders whose per-order order was broken at a
   * subscriber, each with its stream key (tx_id, position) and when that subscriber recorded it.
   */
  async explainViolations(subscriber: DefaultSubscriber, limit = 3): Promise<string[]> {
    const inbox = await this.inboxRows(subscriber);
    const { rows } = await this.main().query<{ line: string }>(
      `with ${RECORDED},
       wanted as (
         select o.aggregate_id, o.aggregate_version, o.event_type, o.tx_id, o.position, i.processed_at,
                lag(i.processed_at) over (partition by o.aggregate_id order by o.aggregate_version) as previous
           from outbox o left join recorded i on i.event_id = o.event_id
          where o.event_type = any($1)),
       broken as (select distinct aggregate_id from wanted where previous > processed_at limit $4)
       select format('%s v%s %s tx=%s pos=%s recorded=%s', w.aggregate_id, w.aggregate_version,
                     w.event_type, w.tx_id, w.position, to_char(w.processed_at, 'HH24:MI:SS.US')) as line
         from wanted w join broken b using (aggregate_id)
        order by w.aggregate_id, w.aggregate_version`,
      [subscriber.eventTypes, inbox.ids, inbox.processedAt, limit],
    );
    return rows.map((row) => `${subscriber.name}: ${row.line}`);
  }

  /** For a failing run: up to `limit` committed events a subscriber never recorded, with their stream key. */
  async explainLost(subscriber: DefaultSubscriber, limit = 5): Promise<string[]> {
    const inbox = await this.inboxRows(subscriber);
    const { rows } = await this.main().query<{ line: string }>(
      `with ${RECORDED}
       select format('%s v%s %s tx=%s pos=%s occurred=%s', o.aggregate_id, o.aggregate_version, o.event_type,
                     o.tx_id, o.position, to_char(o.occurred_at, 'HH24:MI:SS.US')) as line
         from outbox o left join recorded i on i.event_id = o.event_id
        where o.event_type = any($1) and i.event_id is null
        order by o.tx_id, o.position limit $4`,
      [subscriber.eventTypes, inbox.ids, inbox.processedAt, limit],
    );
    return rows.map((row) => `${subscriber.name} lost: ${row.line}`);
  }

  async figures(subscribers: readonly DefaultSubscriber[] = DEFAULT_SUBSCRIBERS): Promise<InboxFigures[]> {
    const figures: InboxFigures[] = [];
    for (const subscriber of subscribers) {
      const inbox = await this.inboxRows(subscriber);
      const { rows } = await this.main().query<{ expected: string; missing: string; violations: string }>(
        `with ${RECORDED},
         wanted as (
           select o.event_id, o.aggregate_id, o.aggregate_version, i.processed_at,
                  lag(i.processed_at) over (partition by o.aggregate_id order by o.aggregate_version) as previous
             from outbox o left join recorded i on i.event_id = o.event_id
            where o.event_type = any($1))
         select count(*) as expected,
                count(*) filter (where processed_at is null) as missing,
                count(*) filter (where previous > processed_at) as violations
           from wanted`,
        [subscriber.eventTypes, inbox.ids, inbox.processedAt],
      );
      const row = rows[0]!;
      figures.push({
        subscriber: subscriber.name,
        expected: Number(row.expected),
        missing: Number(row.missing),
        orderViolations: Number(row.violations),
      });
    }
    return figures;
  }

  /**
   * Per subscriber, the events of its types written before `before` by transactions younger than
   * `xid` (those a fence held back by transaction `xid` would hide), and how many of them it had
   * recorded before `before`: whether delivery went on while transaction `xid` was open.
   */
  async recordedBehind(
    xid: string,
    before: Date,
    subscribers: readonly DefaultSubscriber[] = DEFAULT_SUBSCRIBERS,
  ): Promise<{ subscriber: string; behind: number; recordedBefore: number }[]> {
    const counts = [];
    for (const subscriber of subscribers) {
      const inbox = await this.inboxRows(subscriber);
      const { rows } = await this.main().query<{ behind: string; recorded: string }>(
        `with ${RECORDED}
         select count(*) as behind, count(*) filter (where i.processed_at < $5) as recorded
           from outbox o left join recorded i on i.event_id = o.event_id
          where o.event_type = any($1) and o.tx_id > $4::xid8 and o.occurred_at < $5`,
        [subscriber.eventTypes, inbox.ids, inbox.processedAt, xid, before],
      );
      counts.push({
        subscriber: subscriber.name,
        behind: Number(rows[0]!.behind),
        recordedBefore: Number(rows[0]!.recorded),
      });
    }
    return counts;
  }

  /** Polls until no subscriber misses an event, or the deadline; returns the last figures. */
  async waitForConvergence(
    timeoutMs: number,
    subscribers?: readonly DefaultSubscriber[],
  ): Promise<InboxFigures[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let figures: InboxFigures[] | undefined;
      try {
        figures = await this.figures(subscribers);
      } catch {
        // PostgreSQL may be restarting: ask again.
      }
      if (figures?.every((figure) => figure.missing === 0)) return figures;
      if (Date.now() > deadline) return figures ?? (await this.figures(subscribers));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
  }

  private pool(url: string): pg.Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: 2 });
      // A PostgreSQL restart cuts idle connections; the pool replaces them on next use.
      pool.on('error', () => {});
      this.pools.set(url, pool);
    }
    return pool;
  }

  private main(): pg.Pool {
    return this.pool(this.databaseUrl);
  }

  private async inboxRows(subscriber: DefaultSubscriber): Promise<InboxRows> {
    const pool = this.pool(this.subscriberDatabaseUrls[subscriber.name] ?? this.databaseUrl);
    const inbox = `${pg.escapeIdentifier(await this.inboxSchema(subscriber, pool))}.inbox`;
    const { rows } = await pool.query<{ event_id: string; processed_at: string }>(
      `select event_id::text as event_id, processed_at::text as processed_at from ${inbox}`,
    );
    return { ids: rows.map((row) => row.event_id), processedAt: rows.map((row) => row.processed_at) };
  }

  private async inboxSchema(subscriber: DefaultSubscriber, pool: pg.Pool): Promise<string> {
    const known = this.schemas.get(subscriber.name);
    if (known) return known;
    const { rows } = await pool.query<{ table_schema: string }>(
      `select table_schema from information_schema.columns
        where table_name = 'inbox' and column_name = 'event_id'`,
    );
    const schema = rows.find((row) => row.table_schema.includes(subscriber.name))?.table_schema;
    if (!schema) {
      throw new Error(
        `no inbox table for ${subscriber.name} in its database (schemas with an inbox: ${rows.map((row) => row.table_schema).join(', ') || 'none'})`,
      );
    }
    this.schemas.set(subscriber.name, schema);
    return schema;
  }
}
