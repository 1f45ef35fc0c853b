import type { Kysely } from 'kysely';

/**
 * Live relay processes, by heartbeat: each claims a fair share (streams / live instances) so that
 * adding an instance spreads the streams, and an instance that stops heartbeating stops counting.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('relay_instances')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('heartbeat_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('relay_instances').execute();
}
