import type { Kysely } from 'kysely';
import type { DB } from '../../services/common/db/database.js';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';
import { createSubscription } from '../../services/relay/subscriptions/create-subscription.js';
import type { RunningSystem } from '../../test/e2e/support/system.js';
import { startTestNats, type TestNats } from '../../test/support/nats-server.js';
import { waitFor } from '../../test/support/wait-for.js';
import { expectedFrom, onFreshSystem, seedAndDrain, type DrainMeasurement } from '../backlog-drain.js';
import type { BenchContext } from '../context.js';
import type { MeteredProcess } from '../cpu-meter.js';
import { SUBSCRIBER_NATS, SUBSCRIBERS } from '../entry-points.js';

export type NatsDrainResult = {
  events: number;
  batchSize: number;
  eventTypes: Record<string, number>;
  expectedPerSubscriber: Record<string, number>;
  /** The relay POSTing to the four subscribers: the relay drain's path. */
  http: DrainMeasurement;
  /** The relay publishing to JetStream, the four subscribers consuming from it. */
  nats: DrainMeasurement;
  /** NATS over HTTP: deliveries per second in total, and the time to drain. */
  ratio: { eventsPerSecond: number; secondsToBacklogZero: number };
};

/**
 * Scenario: the relay drain's backlog (BENCH_EVENTS) drained to the four real subscribers over
 * HTTP, then, on a fresh database, through NATS JetStream, in the same run. The NATS side mirrors
 * the HTTP one: one subscription per subscriber with its event types, one partition each, its own
 * subject prefix and stream, and the subscriber consuming it (`<NAME>_EVENT_SOURCE`), pulling
 * batches of BENCH_BATCH_SIZE (the relay's batch size on the HTTP side). So both sides write the
 * same inbox rows and only the transport differs. The NATS server is this run's own (the tests'
 * fixture), its CPU metered with the rest.
 */
export async function runNatsDrainScenario(context: BenchContext): Promise<NatsDrainResult> {
  const { options } = context;
  const natsServer = await startTestNats({ own: true });
  try {
    const natsProcess: MeteredProcess[] =
      natsServer.pid === undefined ? [] : [{ name: 'nats-server', pid: natsServer.pid }];

    context.progress(`nats: ${options.events} events over HTTP (the relay POSTing)`);
    const http = await onFreshSystem(
      context,
      'nats_http',
      { subscribers: true, relay: { listen: true } },
      (system, db) => seedAndDrain(context, system, db, natsProcess),
    );

    context.progress(`nats: ${options.events} events through JetStream (${natsServer.source})`);
    const endpoints = natsEndpoints(natsServer);
    const nats = await onFreshSystem(
      context,
      'nats_jetstream',
      {
        subscribers: true,
        relay: { listen: true, defaultSubscriptions: false },
        env: {
          ...Object.fromEntries(
            SUBSCRIBERS.map((entry) => [entry.eventSourceVariable, `${endpoints[entry.name]!}&partitions=1`]),
          ),
          [SUBSCRIBER_NATS.batchSizeVariable]: String(options.batchSize),
        },
      },
      async (system, db) => {
        await waitConsuming(system);
        return seedAndDrain(context, system, db, natsProcess);
      },
      (db) => subscribeThroughNats(db, endpoints),
    );

    return {
      events: options.events,
      batchSize: options.batchSize,
      eventTypes: nats.eventTypes,
      expectedPerSubscriber: expectedFrom(nats.eventTypes),
      http: http.measurement,
      nats: nats.measurement,
      ratio: {
        eventsPerSecond:
          nats.measurement.rate.total.eventsPerSecond / http.measurement.rate.total.eventsPerSecond,
        secondsToBacklogZero: nats.measurement.secondsToBacklogZero / http.measurement.secondsToBacklogZero,
      },
    };
  } finally {
    await natsServer.stop();
  }
}

/**
 * Per subscriber, its stream on the server, `<url>/bench-<name>?stream=BENCH_<NAME>`: the relay's
 * endpoint. The subscriber's source adds the partition count, which the relay's endpoint may not carry.
 */
function natsEndpoints(server: TestNats): Record<string, string> {
  return Object.fromEntries(
    SUBSCRIBERS.map((entry) => [
      entry.name,
      `${server.url}/bench-${entry.name}?stream=BENCH_${entry.name.toUpperCase()}`,
    ]),
  );
}

/**
 * The relay's side: a subscription per subscriber publishing its types to its stream, one
 * partition, as the default HTTP subscriptions have.
 */
async function subscribeThroughNats(db: Kysely<DB>, endpoints: Record<string, string>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const entry of SUBSCRIBERS) {
      const created = await createSubscription(trx, {
        name: entry.name,
        endpointUrl: endpoints[entry.name]!,
        eventTypes: entry.contract.eventTypes,
        // The column needs one; nothing on NATS is signed.
        secret: generateWebhookSecret(),
        from: 'beginning',
        partitions: 1,
      });
      if (!created.ok) throw new Error(`subscription ${entry.name} already exists`);
    }
  });
}

/** Every subscriber connected to its stream (which the relay created at start) and consuming. */
async function waitConsuming(system: RunningSystem): Promise<void> {
  for (const entry of SUBSCRIBERS) {
    const url = `${system.service(entry.name).url}${SUBSCRIBER_NATS.readyPath}`;
    await waitFor(
      `${entry.name} consuming from NATS`,
      async () => (await fetch(url).catch(() => undefined))?.status === 200,
      60_000,
    );
  }
}
