import type { Logger } from '../../services/common/logger.js';
import {
  startEphemeralPostgres,
  TEST_PREPARED_TRANSACTIONS,
} from '../../services/common/postgres/embedded-postgres.js';

export type TestDatabaseSource = 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';

export type TestPostgres = { source: TestDatabaseSource; adminUrl: string; stop(): Promise<void> };

/** A given server first, then a container if a runtime answers, else an embedded server. */
export function chooseTestDatabaseSource(
  env: Record<string, string | undefined>,
  containerRuntimeAvailable: boolean,
): TestDatabaseSource {
  if (env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL';
  return containerRuntimeAvailable ? 'testcontainers' : 'embedded';
}

/** Whether Docker (or Podman, Colima...) answers, as testcontainers itself discovers it. */
export async function isContainerRuntimeAvailable(timeoutMs = 5_000): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([getContainerRuntimeClient().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch {
    return false;
  }
}

export async function startTestPostgres(
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<TestPostgres> {
  const given = env.TEST_DATABASE_URL;
  const source = chooseTestDatabaseSource(env, given ? false : await isContainerRuntimeAvailable());
  logger.info({ source }, 'test PostgreSQL source chosen');
  switch (source) {
    case 'TEST_DATABASE_URL':
      return { source, adminUrl: given!, stop: async () => {} };
    case 'testcontainers': {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:17-alpine')
        .withCommand([
          'postgres',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'max_connections=300',
          // The fence's tests hold it with a prepared transaction, which needs slots for them.
          '-c',
          `max_prepared_transactions=${TEST_PREPARED_TRANSACTIONS}`,
        ])
        .start();
      return {
        source,
        adminUrl: container.getConnectionUri(),
        stop: async () => {
          await container.stop();
        },
      };
    }
    case 'embedded': {
      const server = await startEphemeralPostgres(logger);
      return { source, adminUrl: server.url, stop: () => server.stop() };
    }
  }
}
