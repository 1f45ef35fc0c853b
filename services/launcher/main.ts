/**
 * `npm start`: the whole system on one machine. Provisions PostgreSQL (DATABASE_URL, or the embedded
 * server under DATA_DIR), applies every migration, then runs each service as its own child process,
 * prefixing their log lines with their names. A child that dies is reported; Ctrl-C (or SIGTERM)
 * stops the children first, then the embedded server, so in-flight work can finish.
 */
import { fileURLToPath } from 'node:url';
import { loadConfig, loadDotEnv } from '../shared/config.js';
import { createDb } from '../shared/db/create-db.js';
import { migrateAllToLatest } from '../shared/db/migrate.js';
import { createLogger } from '../shared/logger.js';
import { provisionDatabase } from '../shared/postgres/provision.js';
import { startChildService, type ChildService } from './child-service.js';
import { localWebhookSecrets } from './local-secrets.js';
import { SERVICES } from './service-list.js';
import { waitHealthy } from './wait-healthy.js';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/dist\/?$/, '');
loadDotEnv();
const config = loadConfig();
const logger = createLogger('launcher', config.logLevel);

const database = await provisionDatabase(config, logger, { owner: true });
const migrationDb = createDb({ connectionString: database.url, max: 1, logger });
try {
  const applied = await migrateAllToLatest(migrationDb);
  logger.info({ applied }, 'migrations applied');
} finally {
  await migrationDb.destroy();
}

let stopping = false;
const env = {
  ...process.env,
  ...localWebhookSecrets(config.dataDir, process.env),
  DATABASE_URL: database.url,
};
const width = Math.max(0, ...SERVICES.map((service) => service.name.length));
const children: ChildService[] = SERVICES.map((service) =>
  startChildService(root, service.name, service.module, env, width),
);
for (const child of children) {
  void child.exited.then((how) => {
    if (!stopping) logger.error({ service: child.name, exit: how }, 'service exited unexpectedly');
  });
}

async function stopAll(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping services');
  await Promise.all(children.map((child) => child.stop(config.shutdownTimeoutMs)));
  await database.stop();
  logger.info('all stopped');
  process.exit(0);
}
// `on`, not `once`: Ctrl-C arrives twice (terminal and tsx's relay); a second signal without a
// listener would kill the launcher before it stops the embedded server.
process.on('SIGINT', () => void stopAll('SIGINT'));
process.on('SIGTERM', () => void stopAll('SIGTERM'));

const urls = await Promise.all(
  SERVICES.map(async (service) => {
    const port = Number(process.env[service.portVariable] ?? service.defaultPort);
    const url = `http://127.0.0.1:${port}`;
    const healthy = await waitHealthy(`${url}/healthz`, 60_000, () => stopping);
    return { service: service.name, url, healthy };
  }),
);
if (!stopping) {
  const lines = urls.map(
    ({ service, url, healthy }) => `  ${service.padEnd(width)}  ${url}${healthy ? '' : '  (not healthy)'}`,
  );
  process.stdout.write(
    `\nOrder outbox is up (PostgreSQL: ${database.source}).\n${lines.join('\n')}\nPress Ctrl-C to stop.\n\n`,
  );
}
