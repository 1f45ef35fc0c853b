import { createLogger } from '../../services/shared/logger.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../services/shared/db/database.js';
import type { Clock } from '../../services/shared/clock.js';
import type { RelayConfig } from '../../services/relay/config.js';
import { startRelay, type Relay } from '../../services/relay/relay.js';
import { createSubscription } from '../../services/relay/subscriptions/create-subscription.js';
import type { WebhookReceiver } from './webhook-receiver.js';
import type { OrderEventType } from '../../services/shared/events/order-events.js';
import { ORDER_EVENT_TYPES } from '../../services/shared/events/order-events.js';

export type TestRelayConfig = Parameters<typeof startRelay>[0]['config'];

/** Fast settings for tests: quick polls and leases, tiny backoff. */
export function testRelayConfig(overrides: Partial<TestRelayConfig> = {}): TestRelayConfig {
  return {
    batchSize: 50,
    pollMs: 100,
    listen: true,
    retry: { baseMs: 10, capMs: 50, maxAttempts: 3, retryAfterMaxMs: 3_600_000, parkAfterMs: null },
    httpTimeoutMs: 5_000,
    lease: { ttlMs: 2_000, renewMs: 300 },
    instanceId: undefined,
    purgeSchedule: '0 0 1 1 *',
    outboxRetentionMs: 7 * 86_400_000,
    fenceWarnAfterMs: 30_000,
    ...overrides,
  } satisfies Pick<RelayConfig, keyof TestRelayConfig>;
}

export function startTestRelay(
  db: Kysely<DB>,
  databaseUrl: string,
  options: { config?: Partial<TestRelayConfig>; clock?: Clock; random?: () => number } = {},
): Relay {
  return startRelay({
    db,
    databaseUrl,
    config: testRelayConfig(options.config),
    logger: createLogger('relay-test', process.env.TEST_RELAY_LOG_LEVEL ?? 'silent'),
    maintenance: false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
}

export async function subscribe(
  db: Kysely<DB>,
  name: string,
  receiver: WebhookReceiver,
  eventTypes: OrderEventType[] = ORDER_EVENT_TYPES,
  from: 'beginning' | 'now' = 'beginning',
): Promise<void> {
  const result = await db
    .transaction()
    .execute((trx) =>
      createSubscription(trx, { name, endpointUrl: receiver.url, eventTypes, secret: receiver.secret, from }),
    );
  if (!result.ok) throw new Error(`subscription ${name} already exists`);
}
