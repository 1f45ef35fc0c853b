/**
 * `npm start`: the whole system on one machine. Provisions PostgreSQL (DATABASE_URL, or the embedded
 * server under DATA_DIR) with a database per subscriber next to the main one, applies every
 * migration where it belongs, makes (or reuses) the local token signing key under DATA_DIR/auth
 * unless AUTH_MODE=off or the environment names its own keys, then runs each service as its own
 * child process, prefixing their log lines with their names, and prints two tokens to start with. A child that dies is reported and the others keep
 * running; Ctrl-C (or SIGTERM) stops the children first, then the embedded server, so in-flight
 * work can finish.
 */
import { fileURLToPath } from 'node:url';
import { loadConfig, loadDotEnv } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { prepareLocalAuth } from './local-auth.js';
import { localWebhookSecrets } from './local-secrets.js';
import { prepareDatabases } from './prepare-databases.js';
import { readyBanner } from './ready-banner.js';
import { SERVICES } from './service-list.js';
import { superviseServices } from './supervisor.js';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/dist\/?$/, '');
loadDotEnv();
const config = loadConfig();
const logger = createLogger('launcher', config.logLevel);

// Before the database, so that a key that cannot be written leaves no embedded server running.
const auth = await prepareLocalAuth(config.dataDir, process.env);
const { database, env: databaseEnv } = await prepareDatabases(config, process.env, logger);
const env = {
  ...process.env,
  ...localWebhookSecrets(config.dataDir, process.env),
  // The relay ignores these; the Order API and the subscribers verify tokens with them.
  ...auth.env,
  ...databaseEnv,
};
const supervisor = superviseServices({ root, services: SERVICES, env, logger });

let stopping = false;
async function stopAll(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping services');
  await supervisor.stopAll(config.shutdownTimeoutMs);
  await database.stop();
  logger.info('all stopped');
  process.exit(0);
}
// `on`, not `once`: Ctrl-C arrives twice (terminal and tsx's relay); a second signal without a
// listener would kill the launcher before it stops the embedded server.
process.on('SIGINT', () => void stopAll('SIGINT'));
process.on('SIGTERM', () => void stopAll('SIGTERM'));

const statuses = await supervisor.waitUntilReady(60_000);
if (!stopping) process.stdout.write(readyBanner(statuses, database.source, auth));
