import { describe, expect, it } from '@jest/globals';
import { generateWebhookSecret } from '../../common/events/webhook-signature.js';
import { loadConfig as loadBillingConfig } from '../billing/config.js';
import { loadConfig as loadEmailConfig } from '../email/config.js';
import { loadConfig as loadInventoryConfig } from '../inventory/config.js';
import { loadConfig as loadWarehouseConfig } from '../warehouse/config.js';

const secret = generateWebhookSecret();
/** Where token keys come from: required while AUTH_MODE is jwt (the default). */
const auth = {
  AUTH_PUBLIC_KEY_FILE: 'keys/jwks.json',
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'order-outbox',
};

describe('a subscriber configuration', () => {
  it('has defaults for everything but the signing secret', () => {
    const config = loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth });
    expect(config).toMatchObject({
      port: 3001,
      webhookSecrets: [secret],
      databaseUrl: undefined,
      inboxRetentionMs: 7 * 86_400_000,
      inboxPurgeSchedule: '17 * * * *',
      eventsBodyLimit: '4mb',
    });
    expect(loadInventoryConfig({ INVENTORY_WEBHOOK_SECRET: secret, ...auth }).port).toBe(3002);
  });

  it('fails fast naming the secret variable when it is missing or not a Standard Webhooks secret', () => {
    expect(() => loadEmailConfig({})).toThrow(/EMAIL_WEBHOOK_SECRET: is required/);
    expect(() => loadInventoryConfig({ INVENTORY_WEBHOOK_SECRET: 'hunter2' })).toThrow(
      /INVENTORY_WEBHOOK_SECRET: must be whsec_/,
    );
  });

  it('takes several secrets separated by commas or spaces (a rotation), each checked, and at least one', () => {
    const next = generateWebhookSecret();
    expect(loadEmailConfig({ EMAIL_WEBHOOK_SECRET: `${next}, ${secret}`, ...auth }).webhookSecrets).toEqual([
      next,
      secret,
    ]);
    expect(loadEmailConfig({ EMAIL_WEBHOOK_SECRET: `${next} ${secret}`, ...auth }).webhookSecrets).toEqual([
      next,
      secret,
    ]);
    expect(() => loadEmailConfig({ EMAIL_WEBHOOK_SECRET: `${next},hunter2`, ...auth })).toThrow(
      /EMAIL_WEBHOOK_SECRET: must be whsec_/,
    );
    expect(() => loadEmailConfig({ EMAIL_WEBHOOK_SECRET: ' , ', ...auth })).toThrow(
      /EMAIL_WEBHOOK_SECRET: is required/,
    );
  });

  it("prefers the service's own database URL to DATABASE_URL", () => {
    const shared = 'postgres://db.example/shared';
    expect(loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, DATABASE_URL: shared }).databaseUrl).toBe(
      shared,
    );
    expect(
      loadEmailConfig({
        EMAIL_WEBHOOK_SECRET: secret,
        ...auth,
        DATABASE_URL: shared,
        EMAIL_DATABASE_URL: 'postgres://db.example/email',
      }).databaseUrl,
    ).toBe('postgres://db.example/email');
    expect(() =>
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, EMAIL_DATABASE_URL: 'mysql://x' }),
    ).toThrow(/EMAIL_DATABASE_URL/);
  });

  it.each([
    ['36h', 36 * 3_600_000],
    ['90m', 90 * 60_000],
    ['3600s', 3_600_000],
    ['30d', 30 * 86_400_000],
  ])('reads INBOX_RETENTION=%s', (value, ms) => {
    expect(
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, INBOX_RETENTION: value }).inboxRetentionMs,
    ).toBe(ms);
  });

  it('refuses a retention or purge schedule it cannot read, naming the variable', () => {
    expect(() =>
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, INBOX_RETENTION: 'a week' }),
    ).toThrow(/INBOX_RETENTION: must be a duration/);
    expect(() =>
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, INBOX_PURGE_SCHEDULE: 'hourly' }),
    ).toThrow(/INBOX_PURGE_SCHEDULE: must be a cron expression/);
  });

  it('reads how long email holds a notification: 3 days unless EMAIL_HELD_NOTIFICATION_RETENTION says otherwise', () => {
    expect(loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth }).heldNotificationRetentionMs).toBe(
      3 * 86_400_000,
    );
    expect(
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, EMAIL_HELD_NOTIFICATION_RETENTION: '36h' })
        .heldNotificationRetentionMs,
    ).toBe(36 * 3_600_000);
    expect(() =>
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, EMAIL_HELD_NOTIFICATION_RETENTION: '0d' }),
    ).toThrow(/EMAIL_HELD_NOTIFICATION_RETENTION: must be longer than 0/);
    expect(() =>
      loadEmailConfig({ EMAIL_WEBHOOK_SECRET: secret, ...auth, EMAIL_HELD_NOTIFICATION_RETENTION: 'soon' }),
    ).toThrow(/EMAIL_HELD_NOTIFICATION_RETENTION: must be a duration/);
  });

  it('reads the billing catalog defaults and refuses a currency that is not ISO 4217', () => {
    expect(loadBillingConfig({ BILLING_WEBHOOK_SECRET: secret, ...auth })).toMatchObject({
      port: 3004,
      defaultPriceCents: 1000,
      currency: 'EUR',
    });
    expect(
      loadBillingConfig({
        BILLING_WEBHOOK_SECRET: secret,
        ...auth,
        BILLING_DEFAULT_PRICE_CENTS: '250',
        BILLING_CURRENCY: 'USD',
      }),
    ).toMatchObject({ defaultPriceCents: 250, currency: 'USD' });
    expect(() =>
      loadBillingConfig({ BILLING_WEBHOOK_SECRET: secret, ...auth, BILLING_CURRENCY: 'euro' }),
    ).toThrow(/BILLING_CURRENCY/);
    expect(() =>
      loadBillingConfig({ BILLING_WEBHOOK_SECRET: secret, ...auth, BILLING_DEFAULT_PRICE_CENTS: '-5' }),
    ).toThrow(/BILLING_DEFAULT_PRICE_CENTS/);
  });

  it('reads the AUTH_* variables its own routes check tokens with', () => {
    expect(loadInventoryConfig({ INVENTORY_WEBHOOK_SECRET: secret, ...auth }).auth).toEqual({
      mode: 'jwt',
      jwksUrl: undefined,
      publicKeyFile: 'keys/jwks.json',
      issuer: 'https://id.example',
      audience: 'order-outbox',
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      clockToleranceMs: 5_000,
    });
    expect(loadWarehouseConfig({ WAREHOUSE_WEBHOOK_SECRET: secret, AUTH_MODE: 'off' }).auth).toEqual({
      mode: 'off',
    });
  });

  it('refuses to start with tokens on (the default) but nowhere to get keys from, naming the variables', () => {
    expect(() => loadBillingConfig({ BILLING_WEBHOOK_SECRET: secret })).toThrow(
      /AUTH_JWKS_URL \/ AUTH_PUBLIC_KEY_FILE: set exactly one[\s\S]*AUTH_ISSUER: required[\s\S]*AUTH_AUDIENCE: required/,
    );
  });
});
