import { sql, type Kysely } from 'kysely';

/**
 * The inventory service's own schema. Stock can never go negative nor be over-reserved: the CHECKs
 * are the last line of defence behind the row locks the handlers take.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const inventory = db.schema.withSchema('inventory');
  await inventory
    .createTable('inbox')
    .addColumn('event_id', 'uuid', (col) => col.primaryKey())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('processed_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await inventory.createIndex('inbox_processed_at_idx').on('inbox').column('processed_at').execute();

  await inventory
    .createTable('stock')
    .addColumn('sku', 'text', (col) => col.primaryKey())
    .addColumn('on_hand', 'integer', (col) => col.notNull().check(sql`on_hand >= 0`))
    .addColumn('reserved', 'integer', (col) => col.notNull().check(sql`reserved >= 0`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addCheckConstraint('stock_reserved_within_on_hand', sql`reserved <= on_hand`)
    .execute();

  // One row per order: 'placed' once OrderPlaced was applied; 'shipped' or 'cancelled' also for an
  // order first seen through that event (placed_at null until its OrderPlaced arrives).
  await inventory
    .createTable('orders')
    .addColumn('order_id', 'uuid', (col) => col.primaryKey())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('placed', 'shipped', 'cancelled')`),
    )
    .addColumn('placed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();

  await inventory
    .createTable('reservations')
    .addColumn('order_id', 'uuid', (col) => col.notNull().references('inventory.orders.order_id'))
    .addColumn('sku', 'text', (col) => col.notNull())
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0`))
    .addColumn('reserved', 'integer', (col) => col.notNull().check(sql`reserved >= 0`))
    .addColumn('committed', 'integer', (col) => col.notNull().check(sql`committed >= 0`))
    .addColumn('backordered', 'integer', (col) => col.notNull().check(sql`backordered >= 0`))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('reserved', 'committed', 'released')`),
    )
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('reservations_pkey', ['order_id', 'sku'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const inventory = db.schema.withSchema('inventory');
  for (const table of ['reservations', 'orders', 'stock', 'inbox']) {
    await inventory.dropTable(table).execute();
  }
}
