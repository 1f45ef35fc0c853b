import { sql, type Kysely } from 'kysely';

/**
 * Dead letters an operator discarded (`outbox dead-letters discard`), moved out of `dead_letters`
 * and kept for audit: the event, why it failed, and who discarded it when. A separate table rather
 * than a flag, so every "open dead letter" question of the relay (and its partial index) stays
 * `replayed_at is null` on `dead_letters` alone. RELAY_DEAD_LETTER_RETENTION purges old rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('discarded_dead_letters')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('subscription_name', 'text', (col) =>
      col.notNull().references('subscriptions.name').onDelete('cascade'),
    )
    .addColumn('partition', 'integer', (col) => col.notNull())
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('position', 'bigint', (col) => col.notNull())
    .addColumn('tx_id', sql`xid8`, (col) => col.notNull())
    .addColumn('aggregate_type', 'text', (col) => col.notNull())
    .addColumn('aggregate_id', 'uuid', (col) => col.notNull())
    .addColumn('aggregate_version', 'integer', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('metadata', 'jsonb', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('error', 'text', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('held', 'boolean', (col) => col.notNull())
    .addColumn('parked_at', 'timestamptz', (col) => col.notNull())
    .addColumn('discarded_at', 'timestamptz', (col) => col.notNull())
    .addColumn('discarded_by', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('discarded_dead_letters_discarded_at_idx')
    .on('discarded_dead_letters')
    .column('discarded_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('discarded_dead_letters').execute();
}
