import { sql, type Kysely } from 'kysely';

/**
 * A subscription is a subscriber the relay delivers to: where, which event types, with which
 * signing secret, and whether it is enabled. `disabled_reason` says why it was switched off (an
 * operator, or a 410 Gone from the endpoint).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('name', 'text', (col) => col.primaryKey().check(sql`name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'`))
    .addColumn('endpoint_url', 'text', (col) => col.notNull())
    .addColumn('event_types', sql`text[]`, (col) => col.notNull().check(sql`cardinality(event_types) > 0`))
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('subscriptions').execute();
}
