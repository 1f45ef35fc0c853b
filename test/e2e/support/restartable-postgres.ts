import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../../../services/common/db/create-db.js';
import { migrateAllToLatest } from '../../../services/common/db/migrate.js';
import { createDatabase, withDatabaseName } from '../../../services/common/postgres/database-admin.js';
import {
  startEmbeddedPostgres,
  type RunningPostgres,
} from '../../../services/common/postgres/embedded-postgres.js';
import { findFreePort } from '../../../services/common/postgres/free-port.js';
import { chownTree, serverRunAs } from '../../../services/common/postgres/system-user.js';

export type RestartablePostgres = {
  /** A migrated database of its own on this server. */
  databaseUrl: string;
  /** The server's `postgres` database, to make other databases on the same server; same across restarts. */
  adminUrl: string;
  /** Stops the server (fast shutdown: every connection is cut) and starts it again on the same port. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A PostgreSQL of the scenario's own, for "PostgreSQL restarted mid-run": the run's shared test server
 * (maybe TEST_DATABASE_URL's, maybe serving other suites) must never be restarted. Embedded, in a temp
 * folder, on a fixed port so that the services' DATABASE_URL stays valid across the restart.
 */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const root = mkdtempSync(join(tmpdir(), 'outbox-e2e-pg-'));
  chownTree(root, serverRunAs());
  const options = { dataDir: join(root, 'data'), port: await findFreePort(), durable: false };
  let server: RunningPostgres | undefined = await startEmbeddedPostgres(options);

  await createDatabase(server.url, 'outbox_e2e');
  const databaseUrl = withDatabaseName(server.url, 'outbox_e2e');
  const db = createDb({ connectionString: databaseUrl, max: 1 });
  try {
    await migrateAllToLatest(db);
  } finally {
    await db.destroy();
  }

  return {
    databaseUrl,
    adminUrl: server.url,
    restart: async ({ downMs = 2_000 } = {}) => {
      await server?.stop();
      server = undefined;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await startEmbeddedPostgres(options);
    },
    stop: async () => {
      await server?.stop();
      server = undefined;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
