import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildService, type ChildService } from '../../../services/launcher/child-service.js';
import { SERVICES, type ServiceEntry } from '../../../services/launcher/service-list.js';
import { waitHealthy } from '../../../services/launcher/wait-healthy.js';
import { DEFAULT_SUBSCRIBERS } from '../../../services/common/events/default-subscribers.js';
import { generateWebhookSecret } from '../../../services/common/events/webhook-signature.js';
import {
  createDatabase,
  databaseNameOf,
  dropDatabase,
  withDatabaseName,
} from '../../../services/common/postgres/database-admin.js';
import { findFreePort } from '../../../services/common/postgres/free-port.js';
import {
  subscriberDatabaseName,
  subscriberDatabaseVariable,
} from '../../../services/common/postgres/subscriber-databases.js';
import { PROJECT_ROOT } from '../../support/fixture-process.js';
import { testAuthEnv } from '../../support/test-tokens.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
import { LogSink } from './log-sink.js';
import { addNatsSubscription, natsDeliveryEnv, type NatsDelivery } from './nats-delivery.js';

export type ServiceHandle = {
  name: string;
  /** http://127.0.0.1:<port>; the same across restarts. */
  url: string;
  port: number;
  /** The current process's id (a new one after a restart), for reading its CPU time. */
  readonly pid: number;
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
  /**
   * Where the services write, kept open at stop (the benchmark writes one file across many
   * systems); default a fresh LogSink named after the run, closed at stop.
   */
  log?: LogSink;
  /** What every service inherits under the system's own variables; default PATH, HOME and TMPDIR. */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * The subscribers' tables in the main database rather than one database each: the benchmark's
   * measurements join the inboxes with the outbox in SQL.
   */
  subscribersInMainDatabase?: boolean;
  /** Start the relays only once every other service is healthy, so their first poll finds them up. */
  relayLast?: boolean;
  /** Run every service under `node --cpu-prof`, one folder per process start under this one. */
  cpuProfileDir?: string;
  /**
   * Deliver over NATS JetStream instead of HTTP: no default subscriptions, one relay subscription
   * (`orders`, every event type, `partitions` partitions) added with the outbox CLI before the
   * services start, and each subscriber consuming it (`<NAME>_EVENT_SOURCE`). See nats-delivery.ts.
   */
  nats?: NatsDelivery;
};

export type RunningSystem = {
  databaseUrl: string;
  /**
   * Where each default subscriber keeps its tables, by subscriber name: a database of its own (as
   * `npm start` gives them), or the main one with `subscribersInMainDatabase`.
   */
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
 * The whole system (or the services asked for) as real child processes, as `npm start` runs it but
 * on free ports, a database of its own (and one per subscriber beside it, as in production), fresh
 * webhook secrets, auth on with the test signing key and a fast relay poll, so a scenario can drive it over HTTP and break it: kill and
 * restart any service, put a FaultProxy in front of a subscriber, or deliver over NATS JetStream
 * (`nats`) instead of HTTP. The benchmark starts its systems
 * here too, on its own databases and log, with the options that keep its figures comparable.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const entries = options.services ?? SERVICES;
  if (options.nats && options.faults)
    throw new Error('a FaultProxy sits on HTTP deliveries, and a system delivering over NATS has none');
  const log = options.log ?? LogSink.forRun(options.name);
  let testDatabase: TestDatabase | undefined;
  if (!options.databaseUrl) testDatabase = await createTestDatabase({ poolMax: 1 });
  const databaseUrl = options.databaseUrl ?? testDatabase!.url;
  const subscriberDatabaseUrls: Record<string, string> = {};
  const created: string[] = [];
  const dropSubscriberDatabases = async () => {
    for (const name of created) await dropDatabase(databaseUrl, name).catch(() => {});
  };
  try {
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      if (options.subscribersInMainDatabase) {
        subscriberDatabaseUrls[subscriber.name] = databaseUrl;
        continue;
      }
      // Empty: each subscriber applies its own migrations at start, as it does in production.
      const name = subscriberDatabaseName(databaseNameOf(databaseUrl), subscriber.name);
      await createDatabase(databaseUrl, name);
      created.push(name);
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
    ...(options.baseEnv ?? { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR }),
    DATABASE_URL: databaseUrl,
    // Empty means the main database.
    ...Object.fromEntries(
      Object.entries(subscriberDatabaseUrls).map(([name, url]) => [
        subscriberDatabaseVariable(name),
        options.subscribersInMainDatabase ? '' : url,
      ]),
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
    // Auth on, as in production, trusting the one test key: clients sign their tokens with it
    // (operator-authorization.ts). `env: { AUTH_MODE: 'off' }` turns it off for a run.
    AUTH_MODE: 'jwt',
    AUTH_JWKS_URL: '',
    ...(await testAuthEnv()),
    // Every workload here is one caller (the operator's token) writing far faster than any real
    // client: the per-caller write limit would turn its writes into 429s. The limit has tests of
    // its own (services/order-api/api-rate-limit.test.ts).
    ORDER_API_WRITE_RATE_LIMIT: '0',
    ...(options.nats ? natsDeliveryEnv(options.nats) : {}),
    ...options.env,
  };

  const width = Math.max(...entries.map((entry) => entry.name.length));
  const settings = (entry: ServiceEntry): ServiceSettings => ({
    port: ports.get(entry.name)!,
    env,
    width,
    log,
    healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
    nodeArgs: () => {
      const dir = options.cpuProfileDir;
      // One folder per process and node's default file names (which carry the thread id): tsx runs
      // its loader in a worker thread, and a fixed --cpu-prof-name made that thread's profile
      // overwrite the main thread's, the one that matters.
      return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, `${entry.name}.${Date.now()}`)}`] : [];
    },
  });
  const controls: ServiceControl[] = [];
  const launch = async (group: ServiceEntry[]) => {
    const started = group.map((entry) => runService(entry, settings(entry)));
    controls.push(...started);
    await Promise.all(started.map((control) => control.waitUp()));
  };
  const isRelay = (entry: { module: string }) => entry.module === RELAY_MODULE;

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopEverything());
  const stopEverything = async () => {
    // The relays first, so they do not spend the shutdown retrying subscribers that are going away.
    await Promise.all(controls.filter(isRelay).map((control) => control.stop()));
    await Promise.all(controls.filter((control) => !isRelay(control)).map((control) => control.stop()));
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    await dropSubscriberDatabases();
    await testDatabase?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    if (!options.log) await new Promise<void>((resolve) => log.end(resolve));
  };

  try {
    if (options.nats) await addNatsSubscription(env, options.nats);
    if (options.relayLast) {
      await launch(entries.filter((entry) => !isRelay(entry)));
      await launch(entries.filter(isRelay));
    } else {
      await launch(entries);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const services = Object.fromEntries(controls.map((control) => [control.handle.name, control.handle]));

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

type ServiceSettings = {
  port: number;
  env: NodeJS.ProcessEnv;
  width: number;
  log: LogSink;
  healthTimeoutMs: number;
  /** Node options for each start (a CPU profile folder of its own, say). */
  nodeArgs(): string[];
};

/** One service's process across kills and restarts: same port, same env, output to the log. */
function runService(entry: ServiceEntry, settings: ServiceSettings): ServiceControl {
  const { port, width, log, healthTimeoutMs } = settings;
  const url = `http://127.0.0.1:${port}`;
  const env = { ...settings.env, [entry.portVariable]: String(port) };
  let child: ChildService | undefined;
  let running = false;
  let paused = false;
  const start = () => {
    const current = startChildService(
      PROJECT_ROOT,
      entry.name,
      entry.module,
      env,
      width,
      { stdout: log, stderr: log },
      settings.nodeArgs(),
    );
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
      get pid() {
        return child!.process.pid!;
      },
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
