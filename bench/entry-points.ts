import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_SUBSCRIBERS,
  type DefaultSubscriber,
} from '../services/shared/events/default-subscribers.js';

/**
 * Everything the benchmark assumes about the services it drives, in one place: the modules it starts,
 * the variables it sets and the tables it reads. When a service renames one of them, this file is the
 * one to fix.
 */

/** A service module, as a path without extension relative to the project root (like the launcher's). */
export type ServiceModule = { name: string; module: string };

export const ORDER_API: ServiceModule & { portVariable: string } = {
  name: 'order-api',
  module: 'services/order-api/main',
  portVariable: 'ORDER_API_PORT',
};

export const RELAY: ServiceModule & {
  adminPortVariable: string;
  pollVariable: string;
  batchSizeVariable: string;
  /**
   * Variable and value that turn LISTEN/NOTIFY off, leaving the relay to its poll. The end-to-end
   * scenario checks that it held (see listenerApplicationName) and the table warns when it did not.
   */
  listenOff: { variable: string; value: string };
  /** application_name of the relay's dedicated LISTEN connection. */
  listenerApplicationName: string;
} = {
  name: 'relay',
  module: 'services/relay/main',
  adminPortVariable: 'RELAY_ADMIN_PORT',
  pollVariable: 'RELAY_POLL_MS',
  batchSizeVariable: 'RELAY_BATCH_SIZE',
  listenOff: { variable: 'RELAY_LISTEN', value: 'false' },
  listenerApplicationName: 'outbox-relay-listener',
};

export type SubscriberEntry = ServiceModule & {
  contract: DefaultSubscriber;
  /** `<schema>.inbox(event_id, event_type, processed_at)`: one row per event it processed. */
  inboxTable: string;
};

export const SUBSCRIBERS: SubscriberEntry[] = DEFAULT_SUBSCRIBERS.map((contract) => ({
  name: contract.name,
  module: `services/subscribers/${contract.name}/main`,
  contract,
  inboxTable: `${contract.name}.inbox`,
}));

/** The services of `wanted` whose module is not in this checkout (a scenario needing them cannot run). */
export function missingModules(root: string, wanted: ServiceModule[]): ServiceModule[] {
  return wanted.filter((service) => !existsSync(join(root, `${service.module}.ts`)));
}

/** "services not in this checkout: relay, email" */
export function missingReason(missing: ServiceModule[]): string {
  return `services not in this checkout: ${missing.map((service) => service.name).join(', ')}`;
}
