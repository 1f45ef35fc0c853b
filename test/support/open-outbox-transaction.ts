import pg from 'pg';
import { outboxRow, type TestEvent } from './outbox-events.js';

export type OpenOutboxTransaction = {
  /** The transaction's id (xid8, decimal), as its outbox row's tx_id will read once committed. */
  txId: string;
  /** The position its row took: lower than that of anything inserted after it. */
  position: string;
  /** The backend holding it, as pg_stat_activity names it. */
  pid: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
};

/**
 * A second connection that inserts one outbox row and leaves its transaction open, as an Order API
 * request caught mid-transaction: the row has its position but nobody else sees it until commit.
 * commit() and rollback() end the connection too.
 */
export async function openOutboxTransaction(
  databaseUrl: string,
  event: TestEvent,
): Promise<OpenOutboxTransaction> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const end = async (statement: string) => {
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  try {
    await client.query('begin');
    const row = outboxRow(event);
    const { rows } = await client.query<{ tx_id: string; position: string; pid: number }>(
      `insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, metadata, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning tx_id::text as tx_id, position::text as position, pg_backend_pid() as pid`,
      [
        row.event_id,
        row.aggregate_type,
        row.aggregate_id,
        row.aggregate_version,
        row.event_type,
        row.payload,
        row.metadata,
        row.occurred_at,
      ],
    );
    const { tx_id: txId, position, pid } = rows[0]!;
    return { txId, position, pid, commit: () => end('commit'), rollback: () => end('rollback') };
  } catch (error) {
    await client.end();
    throw error;
  }
}
