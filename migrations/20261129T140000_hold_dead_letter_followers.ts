import { sql, type Kysely } from 'kysely';

/**
 * A parked event keeps its order's order: the later events of the same aggregate in that stream are
 * recorded behind it as `held` dead letters (never attempted) until the parked one is replayed.
 * The partial index serves the stream's per-batch question "which of these orders are blocked?"
 * and the step's "does this stream have open dead letters at all?".
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('dead_letters')
    .addColumn('held', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex('dead_letters_open_by_aggregate_idx')
    .on('dead_letters')
    .columns(['subscription_name', 'aggregate_id'])
    .where(sql.ref('replayed_at'), 'is', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('dead_letters_open_by_aggregate_idx').execute();
  await db.schema.alterTable('dead_letters').dropColumn('held').execute();
}
