import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any>, never the generated types of today.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('Pending', 'Processing', 'Shipped', 'Delivered', 'Cancelled')`),
    )
    .addColumn('items', 'jsonb', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();
  // Ids are UUIDv7, so id order is creation order: newest-first listing per customer walks this index.
  await db.schema
    .createIndex('orders_customer_id_id_idx')
    .on('orders')
    .columns(['customer_id', 'id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('orders').execute();
}
