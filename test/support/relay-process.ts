import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type RelayProcess = {
  instanceId: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (pino JSON lines). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * A real relay process, as operators run it (`node --import tsx services/relay/main.ts`), on the
 * test database, with fast leases and polls. The default subscriptions are off: tests make theirs.
 */
export function spawnRelay(
  databaseUrl: string,
  instanceId: string,
  env: Record<string, string> = {},
): RelayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/relay/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      RELAY_ADMIN_PORT: '0',
      RELAY_INSTANCE_ID: instanceId,
      RELAY_DEFAULT_SUBSCRIPTIONS: 'false',
      RELAY_POLL_MS: '200',
      RELAY_LEASE_TTL_MS: '2000',
      RELAY_LEASE_RENEW_MS: '400',
      RELAY_RETRY_BASE_MS: '20',
      RELAY_RETRY_CAP_MS: '200',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { instanceId, child, output: () => output, exited };
}
