import { sql, type Kysely } from 'kysely';

/**
 * Events a subscription's stream parked after the last retry, with a copy of the event (the outbox
 * purge may delete the original) and why it failed. `replay_requested_at` asks the relay that owns
 * the stream to deliver it once more; `replayed_at` records that it then succeeded.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('subscription_name', 'text', (col) =>
      col.notNull().references('subscriptions.name').onDelete('cascade'),
    )
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
    .addColumn('first_attempt_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_attempt_at', 'timestamptz', (col) => col.notNull())
    .addColumn('parked_at', 'timestamptz', (col) => col.notNull())
    .addColumn('replay_requested_at', 'timestamptz')
    .addColumn('replayed_at', 'timestamptz')
    .addUniqueConstraint('dead_letters_subscription_event_unique', ['subscription_name', 'event_id'])
    .execute();
  await db.schema
    .createIndex('dead_letters_pending_replay_idx')
    .on('dead_letters')
    .columns(['subscription_name', 'position'])
    .where(sql.ref('replay_requested_at'), 'is not', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dead_letters').execute();
}
