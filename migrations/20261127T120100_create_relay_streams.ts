import { sql, type Kysely } from 'kysely';

/**
 * One row per subscription: its stream's checkpoint (the last delivered (tx_id, position)), the
 * lease that lets exactly one relay instance drive it, and the retry state of the delivery at its
 * head: `failed_attempts` counts every failed request since the last success (each one carried the
 * head event, since narrowing keeps the head), `batch_attempts` the failures of the current narrowed
 * batch (what backoff and parking count), `batch_limit` the narrowed batch size.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('relay_streams')
    .addColumn('subscription_name', 'text', (col) =>
      col.primaryKey().references('subscriptions.name').onDelete('cascade'),
    )
    .addColumn('checkpoint_tx_id', sql`xid8`, (col) => col.notNull().defaultTo(sql`'0'::xid8`))
    .addColumn('checkpoint_position', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'timestamptz')
    .addColumn('failed_attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('batch_attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('batch_limit', 'integer')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('first_failed_at', 'timestamptz')
    .addColumn('last_failed_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('relay_streams').execute();
}
