import { sql, type Kysely } from 'kysely';

/**
 * The billing service's own schema: a price catalog and one charge per order. Money is integer
 * cents with its currency; totals are bigint so a large order cannot overflow.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const billing = db.schema.withSchema('billing');
  await billing
    .createTable('inbox')
    .addColumn('event_id', 'uuid', (col) => col.primaryKey())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('processed_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await billing.createIndex('inbox_processed_at_idx').on('inbox').column('processed_at').execute();

  await billing
    .createTable('prices')
    .addColumn('sku', 'text', (col) => col.primaryKey())
    .addColumn('unit_price_cents', 'integer', (col) => col.notNull().check(sql`unit_price_cents >= 0`))
    .addColumn('currency', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();

  // 'charged' then 'refunded'; 'voided' when the cancellation arrived before the order was placed
  // here, so nothing was ever charged (amount filled in, for the record, if OrderPlaced comes later).
  await billing
    .createTable('charges')
    .addColumn('order_id', 'uuid', (col) => col.primaryKey())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('charged', 'refunded', 'voided')`),
    )
    .addColumn('customer_id', 'text')
    .addColumn('amount_cents', 'bigint', (col) => col.check(sql`amount_cents >= 0`))
    .addColumn('currency', 'text', (col) => col.notNull())
    .addColumn('lines', 'jsonb')
    .addColumn('charged_at', 'timestamptz')
    .addColumn('refunded_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const billing = db.schema.withSchema('billing');
  for (const table of ['charges', 'prices', 'inbox']) await billing.dropTable(table).execute();
}
