import { sql, type Kysely } from 'kysely';

/**
 * The outbox is insert-only. `position` orders events within a transaction; `tx_id` (the writing
 * transaction's id, xid8) is what lets the relay read safely past transactions that commit late:
 * the fix for sequence gaps (see docs/architecture.md, "The fence").
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('position', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('event_id', 'uuid', (col) => col.notNull().unique())
    .addColumn('tx_id', sql`xid8`, (col) => col.notNull().defaultTo(sql`pg_current_xact_id()`))
    .addColumn('aggregate_type', 'text', (col) => col.notNull())
    .addColumn('aggregate_id', 'uuid', (col) => col.notNull())
    .addColumn('aggregate_version', 'integer', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('metadata', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_tx_id_position_idx')
    .on('outbox')
    .columns(['tx_id', 'position'])
    .execute();
  await db.schema
    .createIndex('outbox_aggregate_id_position_idx')
    .on('outbox')
    .columns(['aggregate_id', 'position'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
}
