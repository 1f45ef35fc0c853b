import type { OrderEventType } from './order-events.js';

/**
 * The four subscriber services the system ships with: the one registry of them. The relay creates a
 * subscription for each on first start (endpoint from `urlVariable`, secret from `secretVariable`);
 * each subscriber reads the same secret variable to verify what it receives. The launcher's service
 * list, the subscriber databases, local secrets and the benchmark derive from it, and the type
 * checker makes migrations/index.ts list migrations for every name. Nothing here is imported by
 * Order code: a new subscriber is a new subscription, not a change to the Order service.
 */
export type DefaultSubscriber<Name extends string = string> = {
  name: Name;
  portVariable: string;
  defaultPort: number;
  urlVariable: string;
  secretVariable: string;
  eventTypes: OrderEventType[];
};

const ALL: OrderEventType[] = ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'];

export const DEFAULT_SUBSCRIBERS = [
  subscriber('email', 3001, ALL),
  subscriber('inventory', 3002, ['OrderPlaced', 'OrderShipped', 'OrderCancelled']),
  subscriber('warehouse', 3003, ALL),
  subscriber('billing', 3004, ['OrderPlaced', 'OrderCancelled']),
] as const;

/** A subscriber service's name; each owns the PostgreSQL schema of the same name. */
export type SubscriberName = (typeof DEFAULT_SUBSCRIBERS)[number]['name'];

/** The default subscriber of that name, if the subscription named so is one of the four. */
export function findDefaultSubscriber(name: string): DefaultSubscriber | undefined {
  return DEFAULT_SUBSCRIBERS.find((candidate) => candidate.name === name);
}

function subscriber<Name extends string>(
  name: Name,
  defaultPort: number,
  eventTypes: OrderEventType[],
): DefaultSubscriber<Name> {
  const prefix = name.toUpperCase();
  return {
    name,
    portVariable: `${prefix}_PORT`,
    defaultPort,
    urlVariable: `${prefix}_EVENTS_URL`,
    secretVariable: `${prefix}_WEBHOOK_SECRET`,
    eventTypes,
  };
}

/** Where the relay delivers to a default subscriber when its URL variable is not set. */
export function defaultEventsUrl(
  subscriber: DefaultSubscriber,
  env: Record<string, string | undefined>,
): string {
  const port = env[subscriber.portVariable] || String(subscriber.defaultPort);
  return env[subscriber.urlVariable] || `http://127.0.0.1:${port}/events`;
}
