import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * Narrows a selection of dead letters (`outbox dead-letters`, `replay`, `discard`); the filters
 * given combine (all must hold).
 */
export type DeadLetterFilter = {
  /** The event's type, exactly (OrderPlaced). */
  eventType?: string;
  /** The HTTP status of the last failed attempt. */
  statusCode?: number;
  /** A piece of the last error, case-insensitive. */
  error?: string;
  /** Parked (or held) at or after this time. */
  since?: Date;
};

/** `%`, `_` and `\` match themselves in the `--error` text, not as LIKE wildcards. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** The filter as one condition on the dead letters named `table` in the query (true when none is given). */
export function filterCondition(table: string, filter: DeadLetterFilter): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  const conditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`true`];
  if (filter.eventType !== undefined)
    conditions.push(sql<SqlBool>`${column('event_type')} = ${filter.eventType}`);
  if (filter.statusCode !== undefined)
    conditions.push(sql<SqlBool>`${column('status_code')} = ${filter.statusCode}`);
  if (filter.error !== undefined)
    conditions.push(sql<SqlBool>`${column('error')} ilike ${`%${likeLiteral(filter.error)}%`}`);
  if (filter.since !== undefined) conditions.push(sql<SqlBool>`${column('parked_at')} >= ${filter.since}`);
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}
