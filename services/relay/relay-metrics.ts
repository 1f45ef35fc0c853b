import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../common/db/database.js';
import { reportedStreams } from './reported-streams.js';
import { collapsePartitions, type SubscriptionStatus } from './streams/collapse-partitions.js';
import { readStreamStatus } from './streams/read-stream-status.js';

export type DeliveryOutcome =
  'delivered' | 'failed' | 'dead_lettered' | 'held' | 'gone' | 'replayed' | 'replay_failed';

export type RelayMetrics = {
  delivery(subscription: string, outcome: DeliveryOutcome, events: number, seconds: number): void;
  /** The relay this registry speaks for: from then on it reports only its share of the streams. */
  attach(instanceId: string): void;
  /** A heartbeat went through: this instance holds `leases` streams. */
  heartbeat(leases: number): void;
};

/**
 * Counters and histograms are updated as deliveries happen, per instance. Backlog, lag, dead
 * letters and the other stream gauges are read from the database at scrape time (one query,
 * shared by a scrape), and each instance exports only the streams it reports (reported-streams.ts:
 * those it holds the lease of; the unowned ones, the lowest live instance), so that across
 * instances `sum by (subscription)` of a count (backlog, dead letters, held events) and
 * `max by (subscription)` of an age or flag (lag, fence held, unauthorized, failing attempts) give
 * the whole system's value, each stream counted once. A registry not attached to a relay (a tool,
 * a test) reports every stream. Labelled by subscription, its partitions collapsed (summed counts,
 * largest ages): a partition label would multiply the series by up to 1,024; `outbox status
 * --partitions` shows each one.
 */
export function createRelayMetrics(registry: Registry, db: Kysely<DB>): RelayMetrics {
  const deliveries = new Counter({
    name: 'relay_deliveries_total',
    help: 'Delivery requests by subscription and outcome',
    labelNames: ['subscription', 'outcome'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'relay_events_delivered_total',
    help: 'Events delivered (2xx) by subscription',
    labelNames: ['subscription'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'relay_delivery_duration_seconds',
    help: 'Duration of delivery requests by subscription and outcome',
    labelNames: ['subscription', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'relay_batch_size_events',
    help: 'Events per delivered batch (2xx), by subscription',
    labelNames: ['subscription'] as const,
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [registry],
  });

  let instanceId: string | undefined;
  const startedAt = Date.now();
  let lastHeartbeat: number | undefined;
  let leases = 0;
  new Gauge({
    name: 'relay_leases_held',
    help: 'Streams (subscription partitions) whose lease this instance held at its last heartbeat',
    registers: [registry],
    collect() {
      this.set(leases);
    },
  });
  new Gauge({
    name: 'relay_heartbeat_age_seconds',
    help: "Seconds since this instance's last heartbeat went through (since its start before the first)",
    registers: [registry],
    collect() {
      this.set((Date.now() - (lastHeartbeat ?? startedAt)) / 1_000);
    },
  });

  const reported = async (): Promise<SubscriptionStatus[]> => {
    const streams = await readStreamStatus(db, new Date());
    if (instanceId === undefined) return collapsePartitions(streams);
    const live = await db
      .selectFrom('relay_instances')
      .select('id')
      .where('expires_at', '>', sql<Date>`now()`)
      .execute();
    return collapsePartitions(
      reportedStreams(
        streams,
        instanceId,
        live.map((row) => row.id),
      ),
    );
  };
  let snapshot: { at: number; status: Promise<SubscriptionStatus[]> } | undefined;
  const status = () => {
    if (!snapshot || Date.now() - snapshot.at > 1_000) {
      snapshot = { at: Date.now(), status: reported().catch(() => []) };
    }
    return snapshot.status;
  };
  const gauge = (name: string, help: string, value: (stream: SubscriptionStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['subscription'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const stream of await status()) this.set({ subscription: stream.name }, value(stream));
      },
    });
  gauge(
    'relay_backlog_events',
    'Committed events a subscription has not been delivered yet',
    (s) => s.backlog,
  );
  gauge(
    'relay_lag_seconds',
    'Age of the oldest undelivered event of a subscription',
    (s) => s.lagSeconds ?? 0,
  );
  gauge(
    'relay_fence_held_seconds',
    'How long the fence has held a subscription back: age of the first event after its checkpoint ' +
      'hidden by a transaction of this database still running (0 when none is hidden)',
    (s) => s.fenceHeldSeconds ?? 0,
  );
  gauge('relay_dead_letters', 'Parked events not yet replayed, by subscription', (s) => s.deadLetters);
  gauge(
    'relay_held_events',
    'Events waiting behind an earlier dead letter of their order, by subscription',
    (s) => s.heldEvents,
  );
  gauge(
    'relay_unauthorized',
    '1 while the subscriber refuses the relay 401/403 (wrong secret or key): deliveries wait',
    (s) => (s.unauthorized ? 1 : 0),
  );
  gauge(
    'relay_failing_attempts',
    "Consecutive failed deliveries at the head of a stream (the most among a subscription's partitions)",
    (s) => s.failedAttempts,
  );

  return {
    delivery(subscription, outcome, count, seconds) {
      deliveries.inc({ subscription, outcome });
      duration.observe({ subscription, outcome }, seconds);
      if (outcome === 'delivered' || outcome === 'replayed') {
        events.inc({ subscription }, count);
        batchSize.observe({ subscription }, count);
      }
    },
    attach(id) {
      instanceId = id;
      snapshot = undefined;
    },
    heartbeat(held) {
      lastHeartbeat = Date.now();
      leases = held;
    },
  };
}

/** For library use (tests) when nobody scrapes. */
export const noMetrics: RelayMetrics = { delivery: () => {}, attach: () => {}, heartbeat: () => {} };
