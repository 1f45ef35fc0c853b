import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Every subscriber's partition leases, for consuming from NATS JetStream: which instance consumes
 * which partition, until when (on the database clock), and the instances alive to share them. The
 * same tables in each subscriber's schema, so this one migration is listed in every subscriber set
 * (migrations/index.ts), applied into that set's schema.
 */
export function createPartitionLeases(schema: string): Migration {
  return {
    // Migrations work on any schema (they are frozen in time, typed Kysely<any>).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      const own = db.schema.withSchema(schema);
      await own
        .createTable('partition_leases')
        .addColumn('partition', 'integer', (col) => col.primaryKey().check(sql`partition >= 0`))
        .addColumn('owner', 'text')
        .addColumn('expires_at', 'timestamptz')
        .execute();
      await own
        .createTable('consumer_instances')
        .addColumn('instance_id', 'text', (col) => col.primaryKey())
        .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>): Promise<void> {
      const own = db.schema.withSchema(schema);
      await own.dropTable('consumer_instances').execute();
      await own.dropTable('partition_leases').execute();
    },
  };
}
