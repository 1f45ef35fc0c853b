import { sql, type Kysely } from 'kysely';

/**
 * The API baseline's table: the columns of `orders` and its primary key, nothing else (no check,
 * no secondary index, no outbox). One INSERT of an order row into it is the floor under a create.
 */
export type PlainOrdersDb = {
  bench_plain_orders: {
    id: string;
    customer_id: string;
    status: string;
    items: string;
    version: number;
    created_at: Date;
    updated_at: Date;
  };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createPlainOrdersTable(db: Kysely<any>): Promise<void> {
  await sql`
    create table bench_plain_orders (
      id uuid primary key,
      customer_id text not null,
      status text not null,
      items jsonb not null,
      version integer not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
}
