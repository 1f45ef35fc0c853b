import pg from 'pg';

/** Whether `table` (optionally schema-qualified) exists in the database at `url`. */
export async function hasTable(url: string, table: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>(
      'select to_regclass($1) is not null as present',
      [table],
    );
    return rows[0]!.present;
  } finally {
    await client.end();
  }
}
