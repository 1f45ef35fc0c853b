import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createDatabase, withDatabaseName } from '../../../services/common/postgres/database-admin.js';
import { startRestartablePostgres, type RestartablePostgres } from './restartable-postgres.js';

let postgres: RestartablePostgres;

beforeAll(async () => {
  postgres = await startRestartablePostgres();
});

afterAll(async () => {
  await postgres?.stop();
});

describe('the restartable PostgreSQL of the restart scenario', () => {
  it('is migrated, and after a restart the same URLs reach the same data (other databases too) while old connections are cut', async () => {
    // Given a pool holding a connection, and a row written through it
    const pool = new pg.Pool({ connectionString: postgres.databaseUrl, max: 1 });
    const lost: Error[] = [];
    pool.on('error', (error) => lost.push(error));
    try {
      const { rows } = await pool.query<{ n: string }>('select count(*) as n from outbox');
      expect(rows).toEqual([{ n: '0' }]);
      // Over the server's Unix socket, as the services reach it: a restart removes the socket file
      const transport = await pool.query('select inet_server_addr() as address');
      expect(transport.rows).toEqual([{ address: null }]);
      await pool.query('create table survivor (id int); insert into survivor values (7)');
      // and another database made on the same server through its admin URL
      await createDatabase(postgres.adminUrl, 'neighbour');

      // When the server restarts
      await postgres.restart({ downMs: 200 });

      // Then the pooled connection was cut, and a new one on the same URL sees the data
      expect(lost.length).toBe(1);
      const { rows: after } = await pool.query('select id, inet_server_addr() as address from survivor');
      expect(after).toEqual([{ id: 7, address: null }]);
      const neighbour = new pg.Client({ connectionString: withDatabaseName(postgres.adminUrl, 'neighbour') });
      await neighbour.connect();
      const { rows: where } = await neighbour.query('select current_database() as name');
      await neighbour.end();
      expect(where).toEqual([{ name: 'neighbour' }]);
    } finally {
      await pool.end();
    }
  });
});
