import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { createDb } from './create-db.js';
import type { DB } from './database.js';
import { prepared, toQueryConfig } from './prepared-statements.js';

let database: TestDatabase;
let db: Kysely<DB>;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 1 });
  // One connection, so pg_prepared_statements is the view of the connection that ran the queries.
  db = createDb({ connectionString: database.url, max: 1 });
});

afterAll(async () => {
  await db.destroy();
  await database.destroy();
});

const preparedHere = async () => {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db);
  return rows.map((row) => row.statement);
};

describe('prepared statements', () => {
  it('prepares a marked statement once per connection and runs it by name with new values', async () => {
    const square = (n: number) => sql<{ square: number }>`${prepared} select ${n}::int * ${n}::int as square`;
    expect((await square(3).execute(db)).rows).toEqual([{ square: 9 }]);
    expect((await square(4).execute(db)).rows).toEqual([{ square: 16 }]);
    const statements = (await preparedHere()).filter((text) => text.includes('as square'));
    expect(statements).toHaveLength(1);
  });

  it('marks builder statements too, and leaves unmarked ones unprepared', async () => {
    await db
      .selectFrom('orders')
      .select('id')
      .where('id', '=', crypto.randomUUID())
      .modifyEnd(prepared)
      .execute();
    await db.selectFrom('outbox').select('position').where('position', '=', '1').execute();
    const statements = await preparedHere();
    expect(statements.some((text) => text.includes('from "orders"'))).toBe(true);
    expect(statements.some((text) => text.includes('from "outbox"'))).toBe(false);
  });

  it('names a statement after its text: the same text one name, another text another', () => {
    const a = toQueryConfig('select 1 /* prepared */', []);
    const b = toQueryConfig('select 2 /* prepared */', []);
    const again = toQueryConfig('select 1 /* prepared */', [5]);
    expect(typeof a === 'object' && typeof b === 'object' && typeof again === 'object').toBe(true);
    if (typeof a === 'string' || typeof b === 'string' || typeof again === 'string') return;
    expect(a.name).toBe(again.name);
    expect(a.name).not.toBe(b.name);
    expect(again.values).toEqual([5]);
    expect(toQueryConfig('select 3', [])).toBe('select 3');
  });
});
