import type { ServiceEntry } from '../services/launcher/service-list.js';
import {
  DEFAULT_SUBSCRIBERS,
  type DefaultSubscriber,
} from '../services/common/events/default-subscribers.js';
import { eventSourceVariable } from '../services/subscribers/nats/event-source.js';

/**
 * Everything the benchmark assumes about the services it drives, in one place: their names (the
 * launcher's service list gives their modules and ports), the variables it sets and the tables it
 * reads. When a service renames one of them, this file is the one to fix.
 */

/** A service by its name in the launcher's list (services/launcher/service-list.ts). */
export type ServiceName = { name: string };

export const ORDER_API: ServiceName = { name: 'order-api' };

export const RELAY: ServiceName & {
  pollVariable: string;
  batchSizeVariable: string;
  /**
   * Variable and value that turn LISTEN/NOTIFY off, leaving the relay to its poll. The end-to-end
   * scenario checks that it held (see listenerApplicationName) and the table warns when it did not.
   */
  listenOff: { variable: string; value: string };
  /** application_name of the relay's dedicated LISTEN connection. */
  listenerApplicationName: string;
  /** Variable and value that stop the relay creating the four default (HTTP) subscriptions. */
  defaultSubscriptionsOff: { variable: string; value: string };
} = {
  name: 'relay',
  pollVariable: 'RELAY_POLL_MS',
  batchSizeVariable: 'RELAY_BATCH_SIZE',
  listenOff: { variable: 'RELAY_LISTEN', value: 'false' },
  listenerApplicationName: 'outbox-relay-listener',
  defaultSubscriptionsOff: { variable: 'RELAY_DEFAULT_SUBSCRIPTIONS', value: 'false' },
};

export type SubscriberEntry = ServiceName & {
  contract: DefaultSubscriber;
  /** `<schema>.inbox(event_id, event_type, processed_at)`: one row per event it processed. */
  inboxTable: string;
  /** `<NAME>_EVENT_SOURCE`: `http`, or the nats:// URL it also consumes from. */
  eventSourceVariable: string;
};

export const SUBSCRIBERS: SubscriberEntry[] = DEFAULT_SUBSCRIBERS.map((contract) => ({
  name: contract.name,
  contract,
  inboxTable: `${contract.name}.inbox`,
  eventSourceVariable: eventSourceVariable(contract.name),
}));

/**
 * A subscriber consuming from NATS: the variable sizing its pulls (one inbox transaction each),
 * and the route that answers 200 only once it is connected and consuming.
 */
export const SUBSCRIBER_NATS = {
  batchSizeVariable: 'SUBSCRIBER_NATS_BATCH_SIZE',
  readyPath: '/readyz',
} as const;

/**
 * Auth is on in every system the benchmark starts (the e2e harness configures the test key; the
 * load carries an operator's token). This variable and value turn it off, for the API scenario's
 * side that measures what auth costs.
 */
export const AUTH = { modeVariable: 'AUTH_MODE', off: 'off' } as const;

/** The bare express INSERT service the Order API is measured against (bench/baseline). */
export const API_BASELINE: ServiceEntry = {
  name: 'api-baseline',
  module: 'bench/baseline/insert-server',
  portVariable: 'BENCH_BASELINE_PORT',
  defaultPort: 0,
};
