import { DEFAULT_SUBSCRIBERS } from '../../../services/common/events/default-subscribers.js';
import { eventSourceVariable } from '../../../services/subscribers/nats/event-source.js';
import { outboxCli } from './outbox-cli.js';

/** How a system delivers over NATS JetStream instead of the four default HTTP subscriptions. */
export type NatsDelivery = {
  /** The server: nats://host:port (test/support/nats-server.ts startTestNats gives one). */
  url: string;
  /** The relay subscription's --partitions, and the subscribers' partitions=. */
  partitions: number;
};

/** The one relay subscription of the NATS mode: every event type any subscriber takes. */
export const NATS_SUBSCRIPTION = 'orders';
const SUBJECT_PREFIX = 'orders';
const STREAM = 'ORDER_EVENTS';

const EVENT_TYPES = [...new Set(DEFAULT_SUBSCRIBERS.flatMap((subscriber) => subscriber.eventTypes))];

/** What the relay publishes to (a nats:// endpoint takes no partitions=: that is --partitions). */
export function natsEndpoint(nats: NatsDelivery): string {
  return `${nats.url}/${SUBJECT_PREFIX}?stream=${STREAM}`;
}

/** What each subscriber consumes: the same stream and prefix, with the subscription's partition count. */
export function natsEventSource(nats: NatsDelivery): string {
  return `${natsEndpoint(nats)}&partitions=${nats.partitions}`;
}

/**
 * The variables of the NATS mode: the relay makes no default (HTTP) subscription, and every
 * subscriber consumes the stream. POST /events stays served, as it does in production.
 */
export function natsDeliveryEnv(nats: NatsDelivery): Record<string, string> {
  return {
    RELAY_DEFAULT_SUBSCRIPTIONS: 'false',
    ...Object.fromEntries(
      DEFAULT_SUBSCRIBERS.map((subscriber) => [eventSourceVariable(subscriber.name), natsEventSource(nats)]),
    ),
  };
}

/**
 * Adds the relay's NATS subscription as an operator does, with the outbox CLI, before the relay
 * starts (its start then creates the stream, which the subscribers wait for).
 */
export async function addNatsSubscription(env: NodeJS.ProcessEnv, nats: NatsDelivery): Promise<void> {
  const args = [
    'subscriptions',
    'add',
    NATS_SUBSCRIPTION,
    natsEndpoint(nats),
    '--events',
    EVENT_TYPES.join(','),
  ];
  const added = await outboxCli(env, [...args, '--partitions', String(nats.partitions)]);
  if (added.code !== 0)
    throw new Error(`could not add the NATS subscription: ${added.stderr || added.stdout}`);
}
