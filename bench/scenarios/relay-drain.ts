import { sql, type Kysely } from 'kysely';
import { createDb } from '../../services/common/db/create-db.js';
import type { DB } from '../../services/common/db/database.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../services/common/events/outbox-notify.js';
import type { RunningSystem } from '../../test/e2e/support/system.js';
import { sharedMeteredProcesses, type BenchContext } from '../context.js';
import { startCpuMeter, type MeteredProcess, type PhaseCpu } from '../cpu-meter.js';
import { deliverDirectly, readOutboxAsCloudEvents } from '../direct-delivery.js';
import { SUBSCRIBERS } from '../entry-points.js';
import {
  deliveryRate,
  inboxSpans,
  waitForInboxes,
  type DeliveryRate,
  type InboxTable,
} from '../inbox-progress.js';
import { seedOutbox } from '../seed-outbox.js';
import { startBenchSystem } from '../system.js';

export type DrainMeasurement = {
  /** Deliveries per second per subscriber and summed over the four (target >= 20,000 in total). */
  rate: DeliveryRate;
  /** Outbox events per second: each one delivered to every subscriber that takes its type. */
  outboxEventsPerSecond: number;
  /** From the commit of the backlog (or the first direct request) until every inbox had it all. */
  secondsToBacklogZero: number;
  cpu: PhaseCpu;
};

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

const inboxes: InboxTable[] = SUBSCRIBERS.map((entry) => ({ name: entry.name, table: entry.inboxTable }));

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
  const directRun = await onFreshSystem(context, 'drain_direct', false, async (system, db) => {
    const eventTypes = await seedOutbox(db, options.events);
    const events = await readOutboxAsCloudEvents(db);
    const meter = startCpuMeter(metered(context, system));
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
    await waitForInboxes(db, inboxes, expectedFrom(eventTypes), { timeoutMs: 10_000 });
    return { eventTypes, measurement: await drained(db, options.events, seconds, cpu) };
  });
  const { eventTypes } = directRun;
  const expectedPerSubscriber = expectedFrom(eventTypes);
  const direct = directRun.measurement;
  const partial = { ...base, eventTypes, expectedPerSubscriber, direct };

  context.progress(`relay drain: relay, ${options.events} events`);
  const relay = await onFreshSystem(context, 'drain_relay', true, async (system, db) => {
    let meter: ReturnType<typeof startCpuMeter> | undefined;
    let lastEventIds: Record<string, string> = {};
    await db.transaction().execute(async (trx) => {
      await seedOutbox(trx, options.events);
      lastEventIds = await lastEventOfEachStream(trx);
      // Metering starts here, so the seeding's own work stays out of PostgreSQL's figure.
      meter = startCpuMeter(metered(context, system));
    });
    const committed = performance.now();
    // Wake the relay as the Order API would after a commit; its poll would find the backlog anyway.
    await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(db);
    await waitForInboxes(db, inboxes, expectedPerSubscriber, {
      timeoutMs: options.drainTimeoutSeconds * 1000,
      lastEventIds,
    });
    const seconds = (performance.now() - committed) / 1000;
    const cpu = meter!.stop('events', options.events);
    return drained(db, options.events, seconds, cpu);
  });

  return {
    ...partial,
    relay,
    ratio: {
      eventsPerSecond: relay.rate.total.eventsPerSecond / direct.rate.total.eventsPerSecond,
      secondsToBacklogZero: relay.secondsToBacklogZero / direct.secondsToBacklogZero,
    },
  };
}

/** Events each subscriber should end up with: those of the types it subscribes to. */
function expectedFrom(eventTypes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    SUBSCRIBERS.map((entry) => [
      entry.name,
      entry.contract.eventTypes.reduce((sum, type) => sum + (eventTypes[type] ?? 0), 0),
    ]),
  );
}

/** Per subscriber, the id of the last outbox event of its types, in stream order. */
async function lastEventOfEachStream(db: Kysely<DB>): Promise<Record<string, string>> {
  const last: Record<string, string> = {};
  for (const entry of SUBSCRIBERS) {
    const row = await db
      .selectFrom('outbox')
      .select('event_id')
      .where('event_type', 'in', entry.contract.eventTypes)
      .orderBy('tx_id', 'desc')
      .orderBy('position', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row) last[entry.name] = row.event_id;
  }
  return last;
}

function metered(context: BenchContext, system: RunningSystem): MeteredProcess[] {
  return [
    ...Object.values(system.services).map((service) => ({ name: service.name, pid: service.pid })),
    ...sharedMeteredProcesses(context),
  ];
}

async function drained(
  db: Kysely<DB>,
  events: number,
  seconds: number,
  cpu: PhaseCpu,
): Promise<DrainMeasurement> {
  const spans = await inboxSpans(db, inboxes);
  const first = Math.min(...spans.map((span) => span.first));
  const last = Math.max(...spans.map((span) => span.last));
  return {
    rate: deliveryRate(spans),
    outboxEventsPerSecond: last > first ? events / (last - first) : 0,
    secondsToBacklogZero: seconds,
    cpu,
  };
}

/** A fresh database, the subscribers (and the relay) on it, `work`, then everything stopped. */
async function onFreshSystem<T>(
  context: BenchContext,
  label: string,
  withRelay: boolean,
  work: (system: RunningSystem, db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const url = await context.postgres.freshDatabase(label);
  const db = createDb({ connectionString: url, max: 2 });
  try {
    const system = await startBenchSystem(context, url, {
      subscribers: true,
      ...(withRelay ? { relay: { listen: true } } : {}),
    });
    try {
      return await work(system, db);
    } finally {
      await system.stop();
    }
  } finally {
    await db.destroy();
  }
}
