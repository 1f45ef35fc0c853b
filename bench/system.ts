import { SERVICES, type ServiceEntry } from '../services/launcher/service-list.js';
import { startSystem, type RunningSystem } from '../test/e2e/support/system.js';
import type { BenchContext } from './context.js';
import { API_BASELINE, AUTH, ORDER_API, RELAY, SUBSCRIBERS } from './entry-points.js';
import { stockUp } from './stock-up.js';

export type SystemParts = {
  /** The bare INSERT service the Order API is measured against. */
  baseline?: boolean;
  subscribers?: boolean;
  orderApi?: boolean;
  /**
   * Start the relay last, once every other service is up; `listen: false` leaves it to its poll;
   * `defaultSubscriptions: false` leaves it the subscriptions the scenario made.
   */
  relay?: { listen: boolean; defaultSubscriptions?: boolean };
  /** AUTH_MODE=off: what the API scenario measures auth's cost against (auth is on otherwise). */
  authOff?: boolean;
  /**
   * Where the services export their spans (OTEL_EXPORTER_OTLP_ENDPOINT); tracing is off otherwise,
   * even when the run's own environment sets the variable.
   */
  traceTo?: string;
  /** More variables for every service (the subscribers' event sources, ...). */
  env?: Record<string, string>;
};

/**
 * Tracing's variables for a traced run: exported often and with room to queue, so that no span is
 * dropped under load (the SDK's defaults queue 2,048 for 5 s), and a link per event of a batch.
 */
function tracingEnv(endpoint: string | undefined, batchSize: number): Record<string, string> {
  if (endpoint === undefined)
    return { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BSP_MAX_QUEUE_SIZE: '100000',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2000',
    OTEL_SPAN_LINK_COUNT_LIMIT: String(Math.max(128, batchSize)),
  };
}

/**
 * The services a scenario measures, on `databaseUrl`, started by the system starter the end-to-end
 * tests use (auth on, with the test signing key), with the run's log, sizes and CPU profiles.
 * Inventory gets stock before any order.
 */
export async function startBenchSystem(
  context: BenchContext,
  databaseUrl: string,
  parts: SystemParts,
): Promise<RunningSystem> {
  const { options } = context;
  const wanted: ServiceEntry[] = [
    ...(parts.baseline ? [API_BASELINE] : []),
    ...SERVICES.filter(
      (entry) =>
        (parts.subscribers && SUBSCRIBERS.some((subscriber) => subscriber.name === entry.name)) ||
        (parts.orderApi && entry.name === ORDER_API.name) ||
        (parts.relay && entry.name === RELAY.name),
    ),
  ];
  const system = await startSystem({
    name: 'bench',
    databaseUrl,
    services: wanted,
    log: context.log,
    // The run's environment (.env included), as the services would see it when started by hand.
    baseEnv: process.env,
    // Production gives each subscriber a database of its own; the benchmark keeps them in the
    // fresh one, because its measurements join the inboxes with the outbox in SQL. Their batch
    // transactions can then hold the relay's fence for their milliseconds, as they always did
    // here, so the figures stay comparable with earlier runs.
    subscribersInMainDatabase: true,
    relayLast: true,
    fastRelayPoll: false,
    logLevel: options.serviceLogLevel,
    cpuProfileDir: context.cpuProfileDir,
    env: {
      PG_POOL_MAX: String(options.poolMax),
      [RELAY.pollVariable]: String(options.pollMs),
      [RELAY.batchSizeVariable]: String(options.batchSize),
      ...(parts.relay && !parts.relay.listen ? { [RELAY.listenOff.variable]: RELAY.listenOff.value } : {}),
      ...(parts.relay?.defaultSubscriptions === false
        ? { [RELAY.defaultSubscriptionsOff.variable]: RELAY.defaultSubscriptionsOff.value }
        : {}),
      ...(parts.authOff ? { [AUTH.modeVariable]: AUTH.off } : {}),
      ...tracingEnv(parts.traceTo, options.batchSize),
      ...parts.env,
    },
  });
  if (parts.subscribers) {
    await stockUp(system.service('inventory').url, context.log).catch(async (error: unknown) => {
      await system.stop();
      throw error;
    });
  }
  return system;
}
