import type { Kysely } from 'kysely';

/** `GET /orders?status=` lists newest first (UUIDv7 ids are time-ordered) within one status. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_status_id_idx').on('orders').columns(['status', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_status_id_idx').execute();
}
