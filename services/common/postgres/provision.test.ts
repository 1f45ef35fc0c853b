import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { chooseTestDatabaseSource } from '../../../test/support/test-database-source.js';
import { createLogger } from '../logger.js';
import { loadPostgresBinaries } from './binaries.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { chooseDatabaseSource, provisionDatabase } from './provision.js';
import { serverOptions } from './server-options.js';
import { chownTree, serverRunAs } from './system-user.js';
import { MAX_SOCKET_PATH_BYTES } from './unix-socket.js';

const logger = createLogger('test', 'silent');
const run = promisify(execFile);

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** How a connection on `url` reached the server: inet_server_addr() is null over a Unix socket. */
async function transportOf(url: string): Promise<string> {
  const { rows } = await query(url, 'select inet_server_addr() as address');
  const address = (rows[0] as { address: string | null }).address;
  return address === null ? 'unix socket' : `tcp ${address}`;
}

/** The same server over TCP: the URL without its socket folder. */
function overTcp(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.toString();
}

/** A folder of its own for a cluster, given to the server user; removed after `work`. */
async function inClusterRoot(prefix: string, work: (root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  chownTree(root, serverRunAs());
  try {
    await work(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Starts the cluster on `dataDir` as we did before Unix sockets: TCP only. */
async function startTcpOnlyServer(dataDir: string, port: number): Promise<void> {
  const { pg_ctl } = await loadPostgresBinaries();
  const options = serverOptions({ port, socketFolder: undefined, durable: false });
  await run(pg_ctl, ['start', '-w', '-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', options], {
    ...serverRunAs(),
    env: { PATH: process.env.PATH, HOME: tmpdir(), LC_ALL: 'C' },
  });
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
    await inClusterRoot('outbox-provision-', async (root) => {
      const dataDir = join(root, 'postgres');
      const first = await startEmbeddedPostgres({ dataDir, port: 0, durable: true, logger });
      expect(first.reused).toBe(false);
      await query(first.url, 'create table survivor (id int); insert into survivor values (42)');

      // When a second start finds it running, it reuses it rather than starting another
      const again = await startEmbeddedPostgres({ dataDir, port: 0, durable: true, logger });
      expect(again).toMatchObject({ reused: true, url: first.url });
      expect((await query(again.url, 'select id from survivor')).rows).toEqual([{ id: 42 }]);
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
    });
  });

  it('hands out a URL through its Unix socket in the cluster folder, and keeps TCP open for tools', async () => {
    // (a space in the folder's path, as in "My Projects", must survive the server's options and the URL)
    await inClusterRoot('outbox socket-', async (root) => {
      const dataDir = join(root, 'postgres');
      const server = await startEmbeddedPostgres({ dataDir, port: 0, durable: false, logger });
      try {
        expect(new URL(server.url).searchParams.get('host')).toBe(dataDir);
        expect(await transportOf(server.url)).toBe('unix socket');
        expect(await transportOf(overTcp(server.url))).toBe('tcp 127.0.0.1');

        // And a server found running is reached through the same socket
        const reused = await startEmbeddedPostgres({ dataDir, port: 0, durable: false, logger });
        expect(reused).toMatchObject({ reused: true, url: server.url });
        expect(await transportOf(reused.url)).toBe('unix socket');
      } finally {
        await server.stop();
      }
    });
  });

  it('reaches a running server that has no Unix socket (started before them) over TCP', async () => {
    await inClusterRoot('outbox-tcp-only-', async (root) => {
      // Given the cluster running as an earlier `npm start` left it: TCP only
      const dataDir = join(root, 'postgres');
      const initial = await startEmbeddedPostgres({ dataDir, port: 0, durable: false, logger });
      await initial.stop();
      await startTcpOnlyServer(dataDir, Number(new URL(initial.url).port));

      // When a start finds it running, the URL it hands out works, over TCP
      const reused = await startEmbeddedPostgres({
        dataDir,
        port: 0,
        durable: false,
        adoptRunning: true,
        logger,
      });
      try {
        expect(reused.reused).toBe(true);
        expect(new URL(reused.url).searchParams.has('host')).toBe(false);
        expect(await transportOf(reused.url)).toBe('tcp 127.0.0.1');
      } finally {
        await reused.stop();
      }
    });
  });

  it('listens on TCP only when its folder is too deep for a Unix socket path, rather than failing to start', async () => {
    await inClusterRoot('outbox-deep-', async (root) => {
      const dataDir = join(root, 'd'.repeat(MAX_SOCKET_PATH_BYTES));
      const server = await startEmbeddedPostgres({ dataDir, port: 0, durable: false, logger });
      try {
        expect(new URL(server.url).searchParams.has('host')).toBe(false);
        expect(await transportOf(server.url)).toBe('tcp 127.0.0.1');
      } finally {
        await server.stop();
      }
    });
  });
});
