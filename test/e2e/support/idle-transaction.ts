import pg from 'pg';

export type IdleTransaction = {
  /** The transaction id it holds (as text: a full 64-bit xid8). */
  xid: string;
  /** The server process of its session, to find it in pg_stat_activity. */
  pid: number;
  /** Rolls it back and closes the session; harmless if the server already cut it. */
  end(): Promise<void>;
};

/**
 * A session left "idle in transaction" after a write, as a forgotten psql or a stuck job leaves one:
 * its transaction id holds back the snapshot xmin of every database on the server, not only its own.
 * Open it on another database than the system's to check that the system does not wait for it.
 */
export async function openIdleTransaction(databaseUrl: string): Promise<IdleTransaction> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'idle-transaction' });
  // A PostgreSQL restart cuts the session: end() then has nothing left to do.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('create table if not exists idle_transaction_marker (at timestamptz not null)');
    await client.query('begin');
    await client.query('insert into idle_transaction_marker values (now())');
    const { rows } = await client.query<{ xid: string; pid: number }>(
      'select pg_current_xact_id_if_assigned()::text as xid, pg_backend_pid() as pid',
    );
    const { xid, pid } = rows[0]!;
    return {
      xid,
      pid,
      end: async () => {
        await client.query('rollback').catch(() => {});
        await client.end().catch(() => {});
      },
    };
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}
