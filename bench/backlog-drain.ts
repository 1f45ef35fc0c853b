import { sql, type Kysely } from 'kysely';
import { createDb } from '../services/common/db/create-db.js';
import type { DB } from '../services/common/db/database.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../services/common/events/outbox-notify.js';
import type { RunningSystem } from '../test/e2e/support/system.js';
import { sharedMeteredProcesses, type BenchContext } from './context.js';
import { startCpuMeter, type MeteredProcess, type PhaseCpu } from './cpu-meter.js';
import { SUBSCRIBERS } from './entry-points.js';
import {
  deliveryRate,
  inboxSpans,
  waitForInboxes,
  type DeliveryRate,
  type InboxTable,
} from './inbox-progress.js';
import { seedOutbox } from './seed-outbox.js';
import { startBenchSystem, type SystemParts } from './system.js';

/**
 * What the drains of a backlog to the four real subscribers share (the relay drain over HTTP and
 * its direct baseline, the NATS drain): a fresh system, the backlog committed once it is up, the
 * wait for every inbox, and the rates read from the inboxes' own timestamps.
 */

export type DrainMeasurement = {
  /** Deliveries per second per subscriber and summed over the four (target >= 20,000 in total). */
  rate: DeliveryRate;
  /** Outbox events per second: each one delivered to every subscriber that takes its type. */
  outboxEventsPerSecond: number;
  /** From the commit of the backlog (or the first direct request) until every inbox had it all. */
  secondsToBacklogZero: number;
  cpu: PhaseCpu;
};

export const SUBSCRIBER_INBOXES: InboxTable[] = SUBSCRIBERS.map((entry) => ({
  name: entry.name,
  table: entry.inboxTable,
}));

/** Events each subscriber should end up with: those of the types it subscribes to. */
export function expectedFrom(eventTypes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    SUBSCRIBERS.map((entry) => [
      entry.name,
      entry.contract.eventTypes.reduce((sum, type) => sum + (eventTypes[type] ?? 0), 0),
    ]),
  );
}

/**
 * The system's services, PostgreSQL and this process: what a drain's CPU is read from. `extra`
 * adds processes the system does not own (a NATS server).
 */
export function meteredProcesses(
  context: BenchContext,
  system: RunningSystem,
  extra: MeteredProcess[] = [],
): MeteredProcess[] {
  return [
    ...Object.values(system.services).map((service) => ({ name: service.name, pid: service.pid })),
    ...extra,
    ...sharedMeteredProcesses(context),
  ];
}

/**
 * Commits `events` seeded events in one transaction while the relay and the subscribers are up
 * (metering starts inside it, so the seeding's own work stays out of PostgreSQL's figure), wakes
 * the relay as the Order API would after a commit, and waits until every inbox holds every event
 * of its types.
 */
export async function seedAndDrain(
  context: BenchContext,
  system: RunningSystem,
  db: Kysely<DB>,
  extraMetered: MeteredProcess[] = [],
): Promise<{ eventTypes: Record<string, number>; measurement: DrainMeasurement }> {
  const { options } = context;
  let meter: ReturnType<typeof startCpuMeter> | undefined;
  let eventTypes: Record<string, number> = {};
  let lastEventIds: Record<string, string> = {};
  await db.transaction().execute(async (trx) => {
    eventTypes = await seedOutbox(trx, options.events);
    lastEventIds = await lastEventOfEachStream(trx);
    meter = startCpuMeter(meteredProcesses(context, system, extraMetered));
  });
  const committed = performance.now();
  // The relay's poll would find the backlog anyway.
  await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(db);
  await waitForInboxes(db, SUBSCRIBER_INBOXES, expectedFrom(eventTypes), {
    timeoutMs: options.drainTimeoutSeconds * 1000,
    lastEventIds,
  });
  const seconds = (performance.now() - committed) / 1000;
  const cpu = meter!.stop('events', options.events);
  return { eventTypes, measurement: await drained(db, options.events, seconds, cpu) };
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

/** The rates of a finished drain, from the inboxes' first and last `processed_at`. */
export async function drained(
  db: Kysely<DB>,
  events: number,
  seconds: number,
  cpu: PhaseCpu,
): Promise<DrainMeasurement> {
  const spans = await inboxSpans(db, SUBSCRIBER_INBOXES);
  const first = Math.min(...spans.map((span) => span.first));
  const last = Math.max(...spans.map((span) => span.last));
  return {
    rate: deliveryRate(spans),
    outboxEventsPerSecond: last > first ? events / (last - first) : 0,
    secondsToBacklogZero: seconds,
    cpu,
  };
}

/**
 * A fresh database, `prepare` on it (subscriptions the relay should find at start), the services
 * of `parts` on it, `work`, then everything stopped.
 */
export async function onFreshSystem<T>(
  context: BenchContext,
  label: string,
  parts: SystemParts,
  work: (system: RunningSystem, db: Kysely<DB>) => Promise<T>,
  prepare?: (db: Kysely<DB>) => Promise<void>,
): Promise<T> {
  const url = await context.postgres.freshDatabase(label);
  const db = createDb({ connectionString: url, max: 2 });
  try {
    await prepare?.(db);
    const system = await startBenchSystem(context, url, parts);
    try {
      return await work(system, db);
    } finally {
      await system.stop();
    }
  } finally {
    await db.destroy();
  }
}
