import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildService, type ChildService } from '../../../services/launcher/child-service.js';
import { SERVICES, type ServiceEntry } from '../../../services/launcher/service-list.js';
import { waitHealthy } from '../../../services/launcher/wait-healthy.js';
import { DEFAULT_SUBSCRIBERS } from '../../../services/shared/events/default-subscribers.js';
import { generateWebhookSecret } from '../../../services/shared/events/webhook-signature.js';
import {
  createDatabase,
  databaseNameOf,
  dropDatabase,
  withDatabaseName,
} from '../../../services/shared/postgres/database-admin.js';
import { findFreePort } from '../../../services/shared/postgres/free-port.js';
import {
  subscriberDatabaseName,
  subscriberDatabaseVariable,
} from '../../../services/shared/postgres/subscriber-databases.js';
import { PROJECT_ROOT } from '../../support/fixture-process.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
import { LogSink } from './log-sink.js';

export type ServiceHandle = {
  name: string;
  /** http://127.0.0.1:<port>; the same across restarts. */
  url: string;
  port: number;
  isRunning(): boolean;
  /** Sends `signal` (SIGKILL by default: a crash) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<string>;
  /** Starts the service again, same port and env, and resolves once /healthz answers. */
  restart(): Promise<void>;
  /** SIGSTOP: the process freezes as it is (sockets open, timers stopped), like a long GC pause. */
  pause(): void;
  /** SIGCONT: a paused process goes on where it stopped. */
  resume(): void;
};

export type SystemOptions = {
  /** Name of the run, in the log file's name. */
  name: string;
  /** Where the services keep their data; default a fresh copy of the run's migrated template. */
  databaseUrl?: string;
  /** The services to run; default every service `npm start` runs. */
  services?: ServiceEntry[];
  /** Extra variables for every service (relay tuning, ...). */
  env?: Record<string, string>;
  /**
   * RELAY_POLL_MS=100 so a scenario does not wait on the poll's fallback (default true); false
   * leaves the relay on its own default, as a run with the relay's default settings needs.
   */
  fastRelayPoll?: boolean;
  /** Subscribers to put a FaultProxy in front of: the relay delivers to the proxy instead. */
  faults?: Partial<Record<string, FaultProxyOptions>>;
  logLevel?: string;
  healthTimeoutMs?: number;
};

export type RunningSystem = {
  databaseUrl: string;
  /** Each default subscriber's own database, by subscriber name (as `npm start` gives them). */
  subscriberDatabaseUrls: Record<string, string>;
  services: Record<string, ServiceHandle>;
  service(name: string): ServiceHandle;
  proxies: Record<string, FaultProxy>;
  /** The variables every service got (DATABASE_URL, ports, secrets, ...): the CLI needs the same. */
  env: NodeJS.ProcessEnv;
  log: LogSink;
  /**
   * SIGTERM to every service (the relay first), then the proxies, then the database if we made it.
   * Safe to call twice.
   */
  stop(): Promise<void>;
};

/**
 * The whole system as real child processes, as `npm start` runs it but on free ports, a database of
 * its own (and one per subscriber beside it, as in production), fresh webhook secrets and a fast
 * relay poll, so a scenario can drive it over HTTP and break it: kill and restart any service, put
 * a FaultProxy in front of a subscriber.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const entries = options.services ?? SERVICES;
  const log = new LogSink(options.name);
  let testDatabase: TestDatabase | undefined;
  if (!options.databaseUrl) testDatabase = await createTestDatabase({ poolMax: 1 });
  const databaseUrl = options.databaseUrl ?? testDatabase!.url;
  // Empty: each subscriber applies its own migrations at start, as it does in production.
  const subscriberDatabaseUrls: Record<string, string> = {};
  const dropSubscriberDatabases = async () => {
    for (const url of Object.values(subscriberDatabaseUrls))
      await dropDatabase(databaseUrl, databaseNameOf(url)).catch(() => {});
  };
  try {
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      const name = subscriberDatabaseName(databaseNameOf(databaseUrl), subscriber.name);
      await createDatabase(databaseUrl, name);
      subscriberDatabaseUrls[subscriber.name] = withDatabaseName(databaseUrl, name);
    }
  } catch (error) {
    await dropSubscriberDatabases();
    await testDatabase?.destroy();
    throw error;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'outbox-e2e-data-'));

  const ports = new Map<string, number>();
  for (const entry of entries) ports.set(entry.name, await findFreePort());

  const proxies: Record<string, FaultProxy> = {};
  const eventsUrls: Record<string, string> = {};
  for (const subscriber of DEFAULT_SUBSCRIBERS) {
    const port = ports.get(subscriber.name);
    if (port === undefined) continue;
    const direct = `http://127.0.0.1:${port}`;
    const fault = options.faults?.[subscriber.name];
    if (fault) proxies[subscriber.name] = await FaultProxy.start(direct, fault);
    eventsUrls[subscriber.urlVariable] = `${proxies[subscriber.name]?.url ?? direct}/events`;
  }

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    DATABASE_URL: databaseUrl,
    ...Object.fromEntries(
      Object.entries(subscriberDatabaseUrls).map(([name, url]) => [subscriberDatabaseVariable(name), url]),
    ),
    DATA_DIR: dataDir,
    LOG_LEVEL: options.logLevel ?? process.env.E2E_LOG_LEVEL ?? 'warn',
    ...(options.fastRelayPoll === false ? {} : { RELAY_POLL_MS: '100' }),
    // Two entries may run the same module (a second relay): the shared env keeps the first one's
    // port, and each service gets its own port in its own env (see runService).
    ...Object.fromEntries(
      [...entries].reverse().map((entry) => [entry.portVariable, String(ports.get(entry.name))]),
    ),
    ...Object.fromEntries(DEFAULT_SUBSCRIBERS.map((s) => [s.secretVariable, generateWebhookSecret()])),
    ...eventsUrls,
    ...options.env,
  };

  const width = Math.max(...entries.map((entry) => entry.name.length));
  const controls = entries.map((entry) =>
    runService(entry, ports.get(entry.name)!, env, width, log, options.healthTimeoutMs ?? 60_000),
  );
  const services = Object.fromEntries(controls.map((control) => [control.handle.name, control.handle]));

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopEverything());
  const stopEverything = async () => {
    // The relays first, so they do not spend the shutdown retrying subscribers that are going away.
    const isRelay = (control: ServiceControl) => control.module === RELAY_MODULE;
    await Promise.all(controls.filter(isRelay).map((control) => control.stop()));
    await Promise.all(controls.filter((control) => !isRelay(control)).map((control) => control.stop()));
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    await dropSubscriberDatabases();
    await testDatabase?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => log.end(resolve));
  };

  try {
    await Promise.all(controls.map((control) => control.waitUp()));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    databaseUrl,
    subscriberDatabaseUrls,
    services,
    service: (name) => {
      const handle = services[name];
      if (!handle) throw new Error(`no service ${name} in this system`);
      return handle;
    },
    proxies,
    env,
    log,
    stop,
  };
}

const RELAY_MODULE = SERVICES.find((entry) => entry.name === 'relay')!.module;

type ServiceControl = {
  handle: ServiceHandle;
  module: string;
  waitUp(): Promise<void>;
  stop(): Promise<void>;
};

/** One service's process across kills and restarts: same port, same env, output to the log. */
function runService(
  entry: ServiceEntry,
  port: number,
  sharedEnv: NodeJS.ProcessEnv,
  width: number,
  log: LogSink,
  healthTimeoutMs: number,
): ServiceControl {
  const url = `http://127.0.0.1:${port}`;
  const env = { ...sharedEnv, [entry.portVariable]: String(port) };
  let child: ChildService | undefined;
  let running = false;
  let paused = false;
  const start = () => {
    const current = startChildService(PROJECT_ROOT, entry.name, entry.module, env, width, {
      stdout: log,
      stderr: log,
    });
    child = current;
    running = true;
    paused = false;
    void current.exited.then((how) => {
      if (child === current) {
        running = false;
        paused = false;
      }
      log.note(`${entry.name} exited (${how})`);
    });
  };
  const signal = (name: NodeJS.Signals) => {
    if (!child || !running) throw new Error(`${entry.name} is not running`);
    log.note(`sending ${name} to ${entry.name}`);
    child.process.kill(name);
  };
  const waitUp = async () => {
    const healthy = await waitHealthy(`${url}/healthz`, healthTimeoutMs, () => !running);
    if (!healthy) {
      throw new Error(`${entry.name} did not become healthy on ${url}.\n${log.tail()}\n(log: ${log.path})`);
    }
  };
  start();
  return {
    module: entry.module,
    waitUp,
    stop: async () => {
      if (!child || !running) return;
      // A stopped process would keep SIGTERM pending until the SIGKILL deadline: wake it first.
      if (paused) signal('SIGCONT');
      await child.stop(15_000);
    },
    handle: {
      name: entry.name,
      url,
      port,
      isRunning: () => running,
      kill: async (name = 'SIGKILL') => {
        signal(name);
        return child!.exited;
      },
      restart: async () => {
        if (running) throw new Error(`${entry.name} is still running: kill it first`);
        log.note(`restarting ${entry.name}`);
        start();
        await waitUp();
      },
      pause: () => {
        signal('SIGSTOP');
        paused = true;
      },
      resume: () => {
        signal('SIGCONT');
        paused = false;
      },
    },
  };
}
