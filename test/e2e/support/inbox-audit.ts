import pg from 'pg';
import {
  DEFAULT_SUBSCRIBERS,
  type DefaultSubscriber,
} from '../../../services/shared/events/default-subscribers.js';

export type InboxFigures = {
  subscriber: string;
  /** Committed outbox events of the types it takes. */
  expected: number;
  /** Of those, the ones its inbox has not recorded (after convergence: lost). */
  missing: number;
  /** Pairs of one order's events recorded in the opposite order of their versions. */
  orderViolations: number;
};

/**
 * Reads, straight from PostgreSQL, what each subscriber's inbox recorded against what the outbox
 * holds: the ground truth for "lost" and "per-order order". Each subscriber has an inbox table
 * (event_id, event_type, processed_at) in its own schema (DESIGN 6); found by name, so the audit does
 * not depend on how the subscribers name their schemas beyond containing the subscriber's name.
 */
export class InboxAudit {
  private readonly pool: pg.Pool;
  private schemas: Map<string, string> | undefined;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // A PostgreSQL restart cuts idle connections; the pool replaces them on next use.
    this.pool.on('error', () => {});
  }

  /**
   * For a failing run: the events of up to `limit` orders whose per-order order was broken at a
   * subscriber, each with its stream key (tx_id, position) and when that subscriber recorded it.
   */
  async explainViolations(subscriber: DefaultSubscriber, limit = 3): Promise<string[]> {
    const schemas = await this.inboxSchemas();
    const inbox = `${pg.escapeIdentifier(schemas.get(subscriber.name)!)}.inbox`;
    const { rows } = await this.pool.query<{ line: string }>(
      `with wanted as (
         select o.aggregate_id, o.aggregate_version, o.event_type, o.tx_id, o.position, i.processed_at,
                lag(i.processed_at) over (partition by o.aggregate_id order by o.aggregate_version) as previous
           from outbox o left join ${inbox} i on i.event_id = o.event_id
          where o.event_type = any($1)),
       broken as (select distinct aggregate_id from wanted where previous > processed_at limit $2)
       select format('%s v%s %s tx=%s pos=%s recorded=%s', w.aggregate_id, w.aggregate_version,
                     w.event_type, w.tx_id, w.position, to_char(w.processed_at, 'HH24:MI:SS.US')) as line
         from wanted w join broken b using (aggregate_id)
        order by w.aggregate_id, w.aggregate_version`,
      [subscriber.eventTypes, limit],
    );
    return rows.map((row) => `${subscriber.name}: ${row.line}`);
  }

  /** For a failing run: up to `limit` committed events a subscriber never recorded, with their stream key. */
  async explainLost(subscriber: DefaultSubscriber, limit = 5): Promise<string[]> {
    const schemas = await this.inboxSchemas();
    const inbox = `${pg.escapeIdentifier(schemas.get(subscriber.name)!)}.inbox`;
    const { rows } = await this.pool.query<{ line: string }>(
      `select format('%s v%s %s tx=%s pos=%s occurred=%s', o.aggregate_id, o.aggregate_version, o.event_type,
                     o.tx_id, o.position, to_char(o.occurred_at, 'HH24:MI:SS.US')) as line
         from outbox o left join ${inbox} i on i.event_id = o.event_id
        where o.event_type = any($1) and i.event_id is null
        order by o.tx_id, o.position limit $2`,
      [subscriber.eventTypes, limit],
    );
    return rows.map((row) => `${subscriber.name} lost: ${row.line}`);
  }

  async figures(subscribers: DefaultSubscriber[] = DEFAULT_SUBSCRIBERS): Promise<InboxFigures[]> {
    const schemas = await this.inboxSchemas();
    const figures: InboxFigures[] = [];
    for (const subscriber of subscribers) {
      const inbox = `${pg.escapeIdentifier(schemas.get(subscriber.name)!)}.inbox`;
      const { rows } = await this.pool.query<{ expected: string; missing: string; violations: string }>(
        `with wanted as (
           select o.event_id, o.aggregate_id, o.aggregate_version, i.processed_at,
                  lag(i.processed_at) over (partition by o.aggregate_id order by o.aggregate_version) as previous
             from outbox o left join ${inbox} i on i.event_id = o.event_id
            where o.event_type = any($1))
         select count(*) as expected,
                count(*) filter (where processed_at is null) as missing,
                count(*) filter (where previous > processed_at) as violations
           from wanted`,
        [subscriber.eventTypes],
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
    subscribers: DefaultSubscriber[] = DEFAULT_SUBSCRIBERS,
  ): Promise<{ subscriber: string; behind: number; recordedBefore: number }[]> {
    const schemas = await this.inboxSchemas();
    const counts = [];
    for (const subscriber of subscribers) {
      const inbox = `${pg.escapeIdentifier(schemas.get(subscriber.name)!)}.inbox`;
      const { rows } = await this.pool.query<{ behind: string; recorded: string }>(
        `select count(*) as behind, count(*) filter (where i.processed_at < $3) as recorded
           from outbox o left join ${inbox} i on i.event_id = o.event_id
          where o.event_type = any($1) and o.tx_id > $2::xid8 and o.occurred_at < $3`,
        [subscriber.eventTypes, xid, before],
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
  async waitForConvergence(timeoutMs: number, subscribers?: DefaultSubscriber[]): Promise<InboxFigures[]> {
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
    await this.pool.end();
  }

  private async inboxSchemas(): Promise<Map<string, string>> {
    if (this.schemas) return this.schemas;
    const { rows } = await this.pool.query<{ table_schema: string }>(
      `select table_schema from information_schema.columns
        where table_name = 'inbox' and column_name = 'event_id'`,
    );
    const found = new Map<string, string>();
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      const schema = rows.find((row) => row.table_schema.includes(subscriber.name))?.table_schema;
      if (!schema) {
        throw new Error(
          `no inbox table for ${subscriber.name} (schemas with an inbox: ${rows.map((row) => row.table_schema).join(', ') || 'none'})`,
        );
      }
      found.set(subscriber.name, schema);
    }
    this.schemas = found;
    return found;
  }
}
