import pg from 'pg';

/** Drops this run's databases (template and copies), then stops the server if the run started one. */
export async function tearDownTestPostgres(): Promise<void> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  const runId = process.env.TEST_PG_RUN_ID;
  const postgres = globalThis.__testPostgres;
  if (adminUrl && runId && postgres?.source === 'TEST_DATABASE_URL') {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
        [`tpl_${runId}`, `t_${runId}_%`],
      );
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
  await postgres?.stop();
}
