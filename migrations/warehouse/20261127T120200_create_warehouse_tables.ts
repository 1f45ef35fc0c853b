import { sql, type Kysely } from 'kysely';

/**
 * The warehouse service's own schema: a shipment per order. A shipment first seen through a later
 * event (its OrderPlaced not yet applied) has no items until OrderPlaced fills them in.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const warehouse = db.schema.withSchema('warehouse');
  await warehouse
    .createTable('inbox')
    .addColumn('event_id', 'uuid', (col) => col.primaryKey())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('processed_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await warehouse.createIndex('inbox_processed_at_idx').on('inbox').column('processed_at').execute();

  await warehouse
    .createTable('shipments')
    .addColumn('order_id', 'uuid', (col) => col.primaryKey())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('awaiting_pick', 'shipped', 'delivered', 'cancelled')`),
    )
    .addColumn('customer_id', 'text')
    .addColumn('items', 'jsonb')
    .addColumn('placed_at', 'timestamptz')
    .addColumn('shipped_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const warehouse = db.schema.withSchema('warehouse');
  for (const table of ['shipments', 'inbox']) await warehouse.dropTable(table).execute();
}
