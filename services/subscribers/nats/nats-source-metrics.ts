import { Counter, Gauge, type Registry } from 'prom-client';

export type NatsSourceMetrics = {
  terminated: Counter<'reason'>;
  partitionsOwned: Gauge;
};

/** What only the NATS path has; the events it applies count in the inbox's own counters. */
export function createNatsSourceMetrics(registry: Registry): NatsSourceMetrics {
  return {
    terminated: new Counter({
      name: 'nats_messages_terminated_total',
      help: 'NATS messages that can never be applied (malformed, or a payload breaking the contract), terminated unapplied',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    partitionsOwned: new Gauge({
      name: 'nats_partitions_owned',
      help: 'Partitions this instance holds the lease of and consumes',
      registers: [registry],
    }),
  };
}
