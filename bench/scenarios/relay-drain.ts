import {
  drained,
  expectedFrom,
  meteredProcesses,
  onFreshSystem,
  seedAndDrain,
  SUBSCRIBER_INBOXES,
  type DrainMeasurement,
} from '../backlog-drain.js';
import type { BenchContext } from '../context.js';
import { startCpuMeter } from '../cpu-meter.js';
import { deliverDirectly, readOutboxAsCloudEvents } from '../direct-delivery.js';
import { SUBSCRIBERS } from '../entry-points.js';
import { waitForInboxes } from '../inbox-progress.js';
import { seedOutbox } from '../seed-outbox.js';

export type RelayDrainResult = {
  events: number;
  batchSize: number;
  eventTypes: Record<string, number>;
  expectedPerSubscriber: Record<string, number>;
  direct: DrainMeasurement;
  relay: DrainMeasurement;
  /** Relay over direct: deliveries per second in total, and the time to drain. */
  ratio: { eventsPerSecond: number; secondsToBacklogZero: number };
};

/**
 * Scenario 2: a backlog of N events drained to the four real subscribers, by the relay and, as the
 * baseline, by a plain loop in this process sending the same batches. Each side gets a fresh
 * database and freshly started services, and the backlog is committed only once they are all up,
 * so start-up (compiling, connecting, creating subscriptions) is neither timed nor metered.
 */
export async function runRelayDrainScenario(context: BenchContext): Promise<RelayDrainResult> {
  const { options } = context;
  const base = { events: options.events, batchSize: options.batchSize };

  context.progress(`relay drain: baseline, ${options.events} events sent straight to the subscribers`);
  const directRun = await onFreshSystem(
    context,
    'drain_direct',
    { subscribers: true },
    async (system, db) => {
      const eventTypes = await seedOutbox(db, options.events);
      const events = await readOutboxAsCloudEvents(db);
      const meter = startCpuMeter(meteredProcesses(context, system));
      const started = performance.now();
      await deliverDirectly(
        events,
        SUBSCRIBERS.map((entry) => ({
          name: entry.name,
          eventsUrl: system.env[entry.contract.urlVariable]!,
          secret: system.env[entry.contract.secretVariable]!,
          eventTypes: entry.contract.eventTypes,
        })),
        options.batchSize,
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = meter.stop('events', options.events);
      // Every batch was answered 2xx; check the inboxes agree before trusting their timestamps.
      await waitForInboxes(db, SUBSCRIBER_INBOXES, expectedFrom(eventTypes), { timeoutMs: 10_000 });
      return { eventTypes, measurement: await drained(db, options.events, seconds, cpu) };
    },
  );
  const { eventTypes } = directRun;
  const direct = directRun.measurement;

  context.progress(`relay drain: relay, ${options.events} events`);
  const relay = await onFreshSystem(
    context,
    'drain_relay',
    { subscribers: true, relay: { listen: true } },
    async (system, db) => (await seedAndDrain(context, system, db)).measurement,
  );

  return {
    ...base,
    eventTypes,
    expectedPerSubscriber: expectedFrom(eventTypes),
    direct,
    relay,
    ratio: {
      eventsPerSecond: relay.rate.total.eventsPerSecond / direct.rate.total.eventsPerSecond,
      secondsToBacklogZero: relay.secondsToBacklogZero / direct.secondsToBacklogZero,
    },
  };
}
