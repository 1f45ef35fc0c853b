import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A session left open in a transaction that has an xid, as `psql` idle in transaction after a write. */
export type HeldTransaction = {
  xid: string;
  pid: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
};

/** Opens a session on `url`, begins a transaction and gives it an xid, then leaves it idle. */
export async function holdTransaction(
  url: string,
  options: { applicationName?: string } = {},
): Promise<HeldTransaction> {
  const client = new pg.Client({
    connectionString: url,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  await client.connect();
  await client.query('begin');
  const { rows } = await client.query<{ xid: string; pid: number }>(
    'select pg_current_xact_id()::text as xid, pg_backend_pid() as pid',
  );
  let ended = false;
  const end = async (how: 'commit' | 'rollback') => {
    if (ended) return;
    ended = true;
    try {
      await client.query(how);
    } finally {
      await client.end();
    }
  };
  return {
    xid: rows[0]!.xid,
    pid: rows[0]!.pid,
    commit: () => end('commit'),
    rollback: () => end('rollback'),
  };
}

/** A prepared transaction (two-phase commit, first phase done): it has no session, only a gid. */
export type PreparedTransaction = { xid: string; gid: string; rollback(): Promise<void> };

/**
 * PREPARE TRANSACTION on `url`: it outlives its session and holds its xid until someone connected to
 * the same database commits or rolls it back. Fails with the setting to change when the server allows
 * none (max_prepared_transactions = 0, PostgreSQL's default; the tests' own servers allow some).
 */
export async function holdPreparedTransaction(url: string): Promise<PreparedTransaction> {
  const gid = `fence-test-${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let xid: string;
  try {
    const { rows: setting } = await client.query<{ max: string }>(
      "select current_setting('max_prepared_transactions') as max",
    );
    if (Number(setting[0]!.max) === 0)
      throw new Error(
        'the test PostgreSQL allows no prepared transactions: start it with max_prepared_transactions > 0 ' +
          '(the embedded and testcontainers servers of the tests do)',
      );
    await client.query('begin');
    const { rows } = await client.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
    xid = rows[0]!.xid;
    await client.query(`prepare transaction '${gid}'`);
  } finally {
    await client.end();
  }
  let ended = false;
  return {
    xid,
    gid,
    rollback: async () => {
      if (ended) return;
      ended = true;
      const finisher = new pg.Client({ connectionString: url });
      await finisher.connect();
      try {
        await finisher.query(`rollback prepared '${gid}'`);
      } finally {
        await finisher.end();
      }
    },
  };
}
