import type { WriteStream } from 'node:fs';
import { generateWebhookSecret } from '../services/shared/events/webhook-signature.js';
import { findFreePort } from '../services/shared/postgres/free-port.js';
import { ORDER_API, RELAY, SUBSCRIBERS, type SubscriberEntry } from './entry-points.js';
import { stockUp } from './stock-up.js';
import { startServiceProcess, stopAll, type ServiceProcess } from './service-process.js';

export type RunningSubscriber = {
  entry: SubscriberEntry;
  process: ServiceProcess;
  secret: string;
  eventsUrl: string;
};

export type RunningSystem = {
  orderApi: ServiceProcess | undefined;
  relay: ServiceProcess | undefined;
  subscribers: RunningSubscriber[];
  processes: ServiceProcess[];
  stop(): Promise<void>;
};

export type SystemSettings = {
  root: string;
  databaseUrl: string;
  log: WriteStream;
  logLevel: string;
  poolMax: number;
  pollMs: number;
  batchSize: number;
  cpuProfileDir: string | undefined;
};

export type SystemParts = {
  subscribers: boolean;
  orderApi: boolean;
  /** Start the relay last, once every subscriber is up; `listen: false` leaves it to its poll. */
  relay?: { listen: boolean };
};

/**
 * Starts the requested services on one fresh database, each its own process on a free port, with
 * fresh signing secrets: subscribers first (the relay delivers to them from its first poll), then
 * the Order API, then the relay. Everything started is stopped again if a later start fails.
 */
export async function startSystem(settings: SystemSettings, parts: SystemParts): Promise<RunningSystem> {
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: settings.databaseUrl,
    LOG_LEVEL: settings.logLevel,
    PG_POOL_MAX: String(settings.poolMax),
  };
  const subscriberEnv: NodeJS.ProcessEnv = {};
  const plan = await Promise.all(
    SUBSCRIBERS.map(async (entry) => {
      const port = await findFreePort();
      const secret = generateWebhookSecret();
      const eventsUrl = `http://127.0.0.1:${port}/events`;
      subscriberEnv[entry.contract.portVariable] = String(port);
      subscriberEnv[entry.contract.urlVariable] = eventsUrl;
      subscriberEnv[entry.contract.secretVariable] = secret;
      // Production gives each subscriber a database of its own; the benchmark keeps them in the
      // fresh one, because its measurements join the inboxes with the outbox in SQL. Their batch
      // transactions can then hold the relay's fence for their milliseconds, as they always did
      // here, so the figures stay comparable with earlier runs.
      subscriberEnv[`${entry.name.toUpperCase()}_DATABASE_URL`] = '';
      return { entry, port, secret, eventsUrl };
    }),
  );
  const env = { ...common, ...subscriberEnv };
  const started: ServiceProcess[] = [];
  const start = async (name: string, module: string, port: number, extra: NodeJS.ProcessEnv = {}) => {
    const service = await startServiceProcess({
      root: settings.root,
      name,
      module,
      env: { ...env, ...extra },
      port,
      log: settings.log,
      ...(settings.cpuProfileDir ? { cpuProfileDir: settings.cpuProfileDir } : {}),
    });
    started.push(service);
    return service;
  };

  try {
    // In parallel: start-up is mostly compiling TypeScript, and four in a row would take a while.
    const settled = parts.subscribers
      ? await Promise.allSettled(
          plan.map(async ({ entry, port, secret, eventsUrl }) => ({
            entry,
            secret,
            eventsUrl,
            process: await start(entry.name, entry.module, port),
          })),
        )
      : [];
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const subscribers = settled.map((result) => (result as PromiseFulfilledResult<RunningSubscriber>).value);
    const inventory = subscribers.find((subscriber) => subscriber.entry.name === 'inventory');
    if (inventory) await stockUp(inventory.process.baseUrl, settings.log);
    let orderApi: ServiceProcess | undefined;
    if (parts.orderApi) {
      const port = await findFreePort();
      orderApi = await start(ORDER_API.name, ORDER_API.module, port, {
        [ORDER_API.portVariable]: String(port),
      });
    }
    let relay: ServiceProcess | undefined;
    if (parts.relay) {
      const port = await findFreePort();
      relay = await start(RELAY.name, RELAY.module, port, {
        [RELAY.adminPortVariable]: String(port),
        [RELAY.pollVariable]: String(settings.pollMs),
        [RELAY.batchSizeVariable]: String(settings.batchSize),
        ...(parts.relay.listen ? {} : { [RELAY.listenOff.variable]: RELAY.listenOff.value }),
      });
    }
    return { orderApi, relay, subscribers, processes: started, stop: () => stopAll(started) };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}
