import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chooseTestDatabaseSource } from '../../../test/support/test-database-source.js';
import { createLogger } from '../logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { chooseDatabaseSource, provisionDatabase } from './provision.js';
import { chownTree, serverRunAs } from './system-user.js';

const logger = createLogger('test', 'silent');

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

describe('choosing PostgreSQL for the services', () => {
  it('uses DATABASE_URL when it is set', () => {
    expect(chooseDatabaseSource({ databaseUrl: 'postgres://db/orders' })).toBe('DATABASE_URL');
  });

  it('falls back to the embedded server when DATABASE_URL is not set', () => {
    expect(chooseDatabaseSource({ databaseUrl: undefined })).toBe('embedded');
  });

  it('hands back DATABASE_URL untouched and starts nothing', async () => {
    const url = process.env.TEST_PG_ADMIN_URL!;
    const provisioned = await provisionDatabase(
      { databaseUrl: url, dataDir: '/nonexistent', embeddedPostgresPort: 0 },
      logger,
    );
    expect(provisioned).toMatchObject({ url, source: 'DATABASE_URL' });
  });
});

describe('choosing PostgreSQL for the tests', () => {
  it.each([
    [{ TEST_DATABASE_URL: 'postgres://ci/test' }, true, 'TEST_DATABASE_URL'],
    [{ TEST_DATABASE_URL: 'postgres://ci/test' }, false, 'TEST_DATABASE_URL'],
    [{}, true, 'testcontainers'],
    [{}, false, 'embedded'],
    [{ TEST_DATABASE_URL: '' }, false, 'embedded'],
  ] as const)('with %j and a container runtime %s picks %s', (env, runtime, expected) => {
    expect(chooseTestDatabaseSource(env, runtime)).toBe(expected);
  });

  it('logged and published which source this run uses', () => {
    expect(['TEST_DATABASE_URL', 'testcontainers', 'embedded']).toContain(process.env.TEST_PG_SOURCE);
  });
});

describe('the embedded PostgreSQL', () => {
  it('keeps its data across a restart and reuses a server that is already running', async () => {
    // Given a durable cluster in a folder of its own
    const root = mkdtempSync(join(tmpdir(), 'outbox-provision-'));
    chownTree(root, serverRunAs());
    const dataDir = join(root, 'postgres');
    try {
      const first = await startEmbeddedPostgres({ dataDir, port: 0, durable: true, logger });
      expect(first.reused).toBe(false);
      await query(first.url, 'create table survivor (id int); insert into survivor values (42)');

      // When a second start finds it running, it reuses it rather than starting another
      const again = await startEmbeddedPostgres({ dataDir, port: 0, durable: true, logger });
      expect(again).toMatchObject({ reused: true, url: first.url });
      await first.stop();

      // Then after a real stop and start the data is still there
      const second = await startEmbeddedPostgres({ dataDir, port: 0, durable: true, logger });
      try {
        expect(second.reused).toBe(false);
        const { rows } = await query(second.url, 'select id from survivor');
        expect(rows).toEqual([{ id: 42 }]);
        const { rows: settings } = await query(second.url, "select current_setting('fsync') as fsync");
        expect(settings).toEqual([{ fsync: 'on' }]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
