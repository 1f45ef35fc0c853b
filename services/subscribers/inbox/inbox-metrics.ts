import { Counter, Histogram, type Registry } from 'prom-client';

export type InboxMetrics = {
  processed: Counter;
  duplicates: Counter;
  ignored: Counter;
  unseenOrders: Counter;
  failures: Counter<'reason'>;
  /** Seconds to apply one batch (its transaction: effects and inbox), by how it came (http, nats). */
  applySeconds: Histogram<'source'>;
};

/**
 * The inbox's counters, on the app's own registry (served at /metrics with the HTTP metrics). Both
 * event paths (POST /events and the NATS consumer) count into the same counters: asked twice for one
 * registry, this answers the counters already registered there.
 */
export function createInboxMetrics(registry: Registry): InboxMetrics {
  const existing = registries.get(registry);
  if (existing) return existing;
  const metrics = registerInboxMetrics(registry);
  registries.set(registry, metrics);
  return metrics;
}

const registries = new WeakMap<Registry, InboxMetrics>();

function registerInboxMetrics(registry: Registry): InboxMetrics {
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    processed: counter('inbox_events_processed_total', 'Delivered events whose effects were applied'),
    duplicates: counter('inbox_events_duplicate_total', 'Delivered events already in the inbox (no effect)'),
    ignored: counter(
      'inbox_events_ignored_total',
      'Delivered events of a type this service does not act on (acknowledged, recorded)',
    ),
    unseenOrders: counter(
      'inbox_unseen_order_events_total',
      'Events applied for an order this service had not seen placed (out of order, e.g. after a dead letter)',
    ),
    failures: new Counter({
      name: 'inbox_batch_failures_total',
      help: 'Deliveries refused or failed, by reason (nothing was committed)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    applySeconds: new Histogram({
      name: 'inbox_batch_apply_seconds',
      help: 'Time to apply one delivered batch in its transaction (effects and inbox), by source (http, nats)',
      labelNames: ['source'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
