import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb } from '../services/common/db/create-db.js';
import { migrateAllToLatest } from '../services/common/db/migrate.js';
import type { Logger } from '../services/common/logger.js';
import {
  createDatabase,
  dropDatabase,
  withDatabaseName,
} from '../services/common/postgres/database-admin.js';
import { startEmbeddedPostgres } from '../services/common/postgres/embedded-postgres.js';
import { chownTree, serverRunAs } from '../services/common/postgres/system-user.js';
import { parentPid, processName } from './cpu.js';

export type BenchPostgres = {
  source: 'DATABASE_URL' | 'embedded';
  adminUrl: string;
  version: string;
  /** Settings that move the figures (fsync, synchronous_commit, ...), as the server reports them. */
  settings: Record<string, string>;
  /** The postmaster, when the server runs on this machine and /proc shows it; its tree is PostgreSQL's CPU. */
  postmasterPid: number | undefined;
  /** A new, fully migrated database (a copy of this run's template) and its URL. */
  freshDatabase(label: string): Promise<string>;
  /** Drops this run's databases and stops the server if the run started it. */
  stop(): Promise<void>;
};

const REPORTED_SETTINGS = [
  'fsync',
  'synchronous_commit',
  'shared_buffers',
  'max_connections',
  'wal_level',
  'track_commit_timestamp',
];

/**
 * The server the run measures: DATABASE_URL's server when set (the run creates databases of its
 * own there and drops them afterwards), else an embedded PostgreSQL in a temporary folder. The
 * embedded one is durable (fsync on) unless asked otherwise, because commit latency is part of
 * what the Order API's figures mean.
 */
export async function startBenchPostgres(options: {
  databaseUrl: string | undefined;
  durable: boolean;
  runId: string;
  logger: Logger;
}): Promise<BenchPostgres> {
  const server = options.databaseUrl
    ? { url: options.databaseUrl, stop: async () => {} }
    : await startTemporaryServer(options.durable, options.logger);
  const created: string[] = [];
  const template = `bench_${options.runId}_template`;
  try {
    await createDatabase(server.url, template);
    created.push(template);
    const migrationDb = createDb({ connectionString: withDatabaseName(server.url, template), max: 1 });
    try {
      await migrateAllToLatest(migrationDb);
    } finally {
      await migrationDb.destroy();
    }
    const facts = await describeServer(withDatabaseName(server.url, template));
    return {
      source: options.databaseUrl ? 'DATABASE_URL' : 'embedded',
      adminUrl: server.url,
      ...facts,
      freshDatabase: async (label) => {
        const name = `bench_${options.runId}_${label}`;
        await createDatabase(server.url, name, template);
        created.push(name);
        return withDatabaseName(server.url, name);
      },
      stop: async () => {
        for (const name of created.reverse()) await dropDatabase(server.url, name);
        await server.stop();
      },
    };
  } catch (error) {
    for (const name of created) await dropDatabase(server.url, name).catch(() => {});
    await server.stop();
    throw error;
  }
}

async function startTemporaryServer(durable: boolean, logger: Logger) {
  const root = mkdtempSync(join(tmpdir(), 'outbox-bench-pg-'));
  chownTree(root, serverRunAs());
  try {
    const start = () => startEmbeddedPostgres({ dataDir: join(root, 'data'), port: 0, durable, logger });
    // Commit timestamps let the end-to-end scenario measure from commit to commit; the setting
    // only takes effect at server start, hence set, stop, start.
    const first = await start();
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query('alter system set track_commit_timestamp = on').finally(() => client.end());
    await first.stop();
    const running = await start();
    return {
      url: running.url,
      stop: async () => {
        await running.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

async function describeServer(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('show server_version');
    const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
      'select name, setting, unit from pg_settings where name = any($1)',
      [REPORTED_SETTINGS],
    );
    const backend = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return {
      version: version.rows[0]!.server_version,
      settings: Object.fromEntries(
        settings.rows.map((row) => [row.name, row.unit ? `${row.setting} ${row.unit}` : row.setting]),
      ),
      postmasterPid: postmasterOf(backend.rows[0]!.pid),
    };
  } finally {
    await client.end();
  }
}

/**
 * A backend's parent is the postmaster. Only trusted when both are PostgreSQL processes here: a
 * server in a container or elsewhere reports pids that mean nothing (or something else) on this host.
 */
function postmasterOf(backendPid: number): number | undefined {
  if (processName(backendPid) !== 'postgres') return undefined;
  const parent = parentPid(backendPid);
  return parent !== undefined && processName(parent) === 'postgres' ? parent : undefined;
}
