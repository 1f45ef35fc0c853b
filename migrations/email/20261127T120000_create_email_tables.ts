import { sql, type Kysely } from 'kysely';

/**
 * The email service's own schema: its inbox (dedupe by event id), what it knows of each order (the
 * later events carry only the order id, the messages name the items), the messages it rendered, and
 * notifications held for orders it has not seen placed yet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const email = db.schema.withSchema('email');
  await email
    .createTable('inbox')
    .addColumn('event_id', 'uuid', (col) => col.primaryKey())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('processed_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await email.createIndex('inbox_processed_at_idx').on('inbox').column('processed_at').execute();

  await email
    .createTable('orders')
    .addColumn('order_id', 'uuid', (col) => col.primaryKey())
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('items', 'jsonb', (col) => col.notNull())
    .addColumn('placed_at', 'timestamptz', (col) => col.notNull())
    .execute();

  await email
    .createTable('messages')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('event_id', 'uuid', (col) => col.notNull().unique())
    .addColumn('order_id', 'uuid', (col) => col.notNull())
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled')`),
    )
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await email.createIndex('messages_order_id_id_idx').on('messages').columns(['order_id', 'id']).execute();

  await email
    .createTable('held_notifications')
    .addColumn('event_id', 'uuid', (col) => col.primaryKey())
    .addColumn('order_id', 'uuid', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('held_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await email
    .createIndex('held_notifications_order_id_idx')
    .on('held_notifications')
    .column('order_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const email = db.schema.withSchema('email');
  for (const table of ['held_notifications', 'messages', 'orders', 'inbox']) {
    await email.dropTable(table).execute();
  }
}
