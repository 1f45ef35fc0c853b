import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { ConfigError } from '../../common/config.js';
import { generateWebhookSecret } from '../../common/events/webhook-signature.js';
import { ensureDefaultSubscriptions } from './ensure-default-subscriptions.js';
import { rotateSecret } from './rotate-secret.js';
import { loadRelayConfig } from '../config.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.destroy();
});

const secrets = () => ({
  EMAIL_WEBHOOK_SECRET: generateWebhookSecret(),
  INVENTORY_WEBHOOK_SECRET: generateWebhookSecret(),
  WAREHOUSE_WEBHOOK_SECRET: generateWebhookSecret(),
  BILLING_WEBHOOK_SECRET: generateWebhookSecret(),
});

describe('the default subscriptions', () => {
  it('are not created without their secrets: the error names each missing variable', async () => {
    const env = {
      ...secrets(),
      INVENTORY_WEBHOOK_SECRET: undefined,
      BILLING_WEBHOOK_SECRET: 'hunter2',
      INBOX_RETENTION: 'a week',
    };
    const attempt = ensureDefaultSubscriptions(database.db, env);
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(ensureDefaultSubscriptions(database.db, env)).rejects.toThrow(
      /INBOX_RETENTION: must be a duration[\s\S]*INVENTORY_WEBHOOK_SECRET: required[\s\S]*BILLING_WEBHOOK_SECRET: must be a Standard Webhooks secret/,
    );
    expect(await database.db.selectFrom('subscriptions').select('name').execute()).toEqual([]);
  });

  it('are created once from config, with URL overrides, then kept; the secret follows its variable', async () => {
    const env = { ...secrets(), EMAIL_EVENTS_URL: 'http://mail.internal/events', BILLING_PORT: '4999' };
    expect(await ensureDefaultSubscriptions(database.db, env)).toEqual([
      'email',
      'inventory',
      'warehouse',
      'billing',
    ]);
    const rows = await database.db.selectFrom('subscriptions').selectAll().orderBy('name').execute();
    expect(rows.map((row) => [row.name, row.endpoint_url, row.event_types])).toEqual([
      ['billing', 'http://127.0.0.1:4999/events', ['OrderPlaced', 'OrderCancelled']],
      [
        'email',
        'http://mail.internal/events',
        ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'],
      ],
      ['inventory', 'http://127.0.0.1:3002/events', ['OrderPlaced', 'OrderShipped', 'OrderCancelled']],
      [
        'warehouse',
        'http://127.0.0.1:3003/events',
        ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'],
      ],
    ]);
    expect(rows.find((row) => row.name === 'email')?.secret).toBe(env.EMAIL_WEBHOOK_SECRET);
    // INBOX_RETENTION unset: the subscribers keep their inbox 7 days, and so the dedupe window
    expect(rows.map((row) => row.dedupe_window_ms)).toEqual(Array(4).fill(String(7 * 86_400_000)));

    // A later start: nothing new, nothing required, an operator's changes kept, a rotated secret taken
    await database.db
      .updateTable('subscriptions')
      .set({ endpoint_url: 'http://moved/events' })
      .where('name', '=', 'email')
      .execute();
    const rotated = generateWebhookSecret();
    expect(
      await ensureDefaultSubscriptions(database.db, {
        EMAIL_WEBHOOK_SECRET: rotated,
        INBOX_RETENTION: '36h',
      }),
    ).toEqual([]);
    const email = await database.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('name', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(email).toMatchObject({
      endpoint_url: 'http://moved/events',
      secret: rotated,
      dedupe_window_ms: String(36 * 3_600_000),
    });
  });
});

describe("the default subscriptions' secrets during a rotation", () => {
  const emailSecrets = () =>
    database.db
      .selectFrom('subscriptions')
      .select(['secret', 'previous_secret', sql<string | null>`previous_secret_until::text`.as('until')])
      .where('name', '=', 'email')
      .executeTakeFirstOrThrow();

  it('sign with the first secret of the variable and also with a second while it is listed', async () => {
    await database.db.deleteFrom('subscriptions').execute();
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    await ensureDefaultSubscriptions(database.db, { ...secrets(), EMAIL_WEBHOOK_SECRET: oldSecret });
    expect(await emailSecrets()).toEqual({ secret: oldSecret, previous_secret: null, until: null });

    await ensureDefaultSubscriptions(database.db, { EMAIL_WEBHOOK_SECRET: `${newSecret},${oldSecret}` });
    expect(await emailSecrets()).toEqual({
      secret: newSecret,
      previous_secret: oldSecret,
      until: 'infinity',
    });

    await ensureDefaultSubscriptions(database.db, { EMAIL_WEBHOOK_SECRET: newSecret });
    expect(await emailSecrets()).toEqual({ secret: newSecret, previous_secret: null, until: null });
  });

  it('keep the overlap rotate-secret started when the variable names the rotated secret', async () => {
    await database.db.deleteFrom('subscriptions').execute();
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    await ensureDefaultSubscriptions(database.db, { ...secrets(), EMAIL_WEBHOOK_SECRET: oldSecret });
    expect(await rotateSecret(database.db, 'email', newSecret, 3_600_000)).toMatchObject({ ok: true });

    await ensureDefaultSubscriptions(database.db, { EMAIL_WEBHOOK_SECRET: newSecret });
    expect(await emailSecrets()).toMatchObject({ secret: newSecret, previous_secret: oldSecret });
    expect((await emailSecrets()).until).not.toBe('infinity');
  });

  it('refuse more than two secrets in the variable, or any that is not a secret', async () => {
    const three = [1, 2, 3].map(() => generateWebhookSecret()).join(',');
    await expect(ensureDefaultSubscriptions(database.db, { EMAIL_WEBHOOK_SECRET: three })).rejects.toThrow(
      /EMAIL_WEBHOOK_SECRET: the relay signs with at most two secrets/,
    );
    const bad = `${generateWebhookSecret()},hunter2`;
    await expect(ensureDefaultSubscriptions(database.db, { EMAIL_WEBHOOK_SECRET: bad })).rejects.toThrow(
      /EMAIL_WEBHOOK_SECRET: must be a Standard Webhooks secret/,
    );
  });
});

describe('the relay configuration', () => {
  it('has defaults for everything and names a bad variable', () => {
    const config = loadRelayConfig({});
    expect(config).toMatchObject({
      adminPort: 3005,
      pollMs: 1_000,
      batchSize: 1_000,
      retry: { baseMs: 500, capMs: 60_000, maxAttempts: 8 },
      lease: { ttlMs: 5_000, renewMs: 1_000 },
      createDefaultSubscriptions: true,
      outboxRetentionMs: 7 * 86_400_000,
      purgeSchedule: '*/15 * * * *',
    });
    expect(() => loadRelayConfig({ RELAY_BATCH_SIZE: '0' })).toThrow(/RELAY_BATCH_SIZE/);
    expect(() => loadRelayConfig({ OUTBOX_RETENTION: 'forever' })).toThrow(
      /OUTBOX_RETENTION: must be a duration/,
    );
    expect(() => loadRelayConfig({ OUTBOX_PURGE_SCHEDULE: 'every day' })).toThrow(/OUTBOX_PURGE_SCHEDULE/);
    expect(() => loadRelayConfig({ RELAY_LEASE_TTL_MS: '1000', RELAY_LEASE_RENEW_MS: '900' })).toThrow(
      /RELAY_LEASE_RENEW_MS: must be at most half/,
    );
  });
});
