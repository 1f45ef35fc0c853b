import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { createLogger } from '../../services/common/logger.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../services/common/db/database.js';
import type { Clock } from '../../services/common/clock.js';
import type { RelayConfig } from '../../services/relay/config.js';
import { startRelay, type Relay } from '../../services/relay/relay.js';
import type { RelayMetrics } from '../../services/relay/relay-metrics.js';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';
import { createSubscription } from '../../services/relay/subscriptions/create-subscription.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startReceiver, type WebhookReceiver } from './webhook-receiver.js';
import type { OrderEventType } from '../../services/common/events/order-events.js';
import { ORDER_EVENT_TYPES } from '../../services/common/events/order-events.js';

export type TestRelayConfig = Parameters<typeof startRelay>[0]['config'];

/** Fast settings for tests: quick polls and leases, tiny backoff. */
export function testRelayConfig(overrides: Partial<TestRelayConfig> = {}): TestRelayConfig {
  return {
    batchSize: 50,
    pollMs: 100,
    listen: true,
    retry: { baseMs: 10, capMs: 50, maxAttempts: 3, retryAfterMaxMs: 3_600_000, parkAfterMs: null },
    httpTimeoutMs: 5_000,
    natsTimeoutMs: 2_000,
    lease: { ttlMs: 2_000, renewMs: 300 },
    instanceId: undefined,
    purgeSchedule: '0 0 1 1 *',
    outboxRetentionMs: 7 * 86_400_000,
    deadLetterRetentionMs: null,
    fenceWarnAfterMs: 30_000,
    ...overrides,
  } satisfies Pick<RelayConfig, keyof TestRelayConfig>;
}

export function startTestRelay(
  db: Kysely<DB>,
  databaseUrl: string,
  options: {
    config?: Partial<TestRelayConfig>;
    clock?: Clock;
    random?: () => number;
    metrics?: RelayMetrics;
  } = {},
): Relay {
  return startRelay({
    db,
    databaseUrl,
    config: testRelayConfig(options.config),
    logger: createLogger('relay-test', process.env.TEST_RELAY_LOG_LEVEL ?? 'silent'),
    maintenance: false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}

/** An endpoint nothing listens on (port 9, discard), for subscriptions that no relay delivers to. */
export const UNREACHABLE_ENDPOINT: Pick<WebhookReceiver, 'url' | 'secret'> = {
  url: 'http://127.0.0.1:9/events',
  secret: generateWebhookSecret(),
};

export async function subscribe(
  db: Kysely<DB>,
  name: string,
  receiver: Pick<WebhookReceiver, 'url' | 'secret'>,
  eventTypes: OrderEventType[] = ORDER_EVENT_TYPES,
  from: 'beginning' | 'now' = 'beginning',
  partitions = 1,
): Promise<void> {
  const result = await db.transaction().execute((trx) =>
    createSubscription(trx, {
      name,
      endpointUrl: receiver.url,
      eventTypes,
      secret: receiver.secret,
      from,
      partitions,
    }),
  );
  if (!result.ok) throw new Error(`subscription ${name} already exists`);
}

export type RelayTestBed = {
  /** The spec file's migrated database (available once beforeAll has run). */
  readonly database: TestDatabase;
  /** A webhook receiver, closed after the test. */
  receiver(): Promise<WebhookReceiver>;
  /** A relay in this process on the test database, stopped after the test. */
  startRelay(options?: Parameters<typeof startTestRelay>[2]): Relay;
};

/**
 * The set-up most relay spec files share: one database for the file, and after each test every
 * relay it started stopped, every receiver closed and the subscriptions and outbox emptied, so
 * that tests do not see each other's streams. Call it at the top level of a spec file.
 */
export function useRelayTestBed(): RelayTestBed {
  let database: TestDatabase | undefined;
  const relays: Relay[] = [];
  const receivers: WebhookReceiver[] = [];
  const ready = (): TestDatabase => {
    if (!database) throw new Error('the relay test bed is used before its beforeAll ran');
    return database;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await ready().db.deleteFrom('subscriptions').execute();
    await ready().db.deleteFrom('outbox').execute();
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });
  afterAll(async () => {
    await database?.destroy();
  });

  return {
    get database() {
      return ready();
    },
    receiver: async () => {
      const receiver = await startReceiver();
      receivers.push(receiver);
      return receiver;
    },
    startRelay: (options) => {
      const relay = startTestRelay(ready().db, ready().url, options);
      relays.push(relay);
      return relay;
    },
  };
}
