import type { Express } from 'express';
import { Registry } from 'prom-client';
import type { AuthConfig } from '../../services/common/auth/auth-config.js';
import { createOrderApiApp } from '../../services/order-api/app.js';
import { createOutboxNotifier } from '../../services/order-api/store/outbox-notifier.js';
import { createRelayAdminApp } from '../../services/relay/admin-app.js';
import type { Relay } from '../../services/relay/relay.js';
import { createDb } from '../../services/common/db/create-db.js';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';
import type { OpenApiDocument } from '../../services/common/http/openapi/build-document.js';
import { createLogger } from '../../services/common/logger.js';
import { createBillingApp } from '../../services/subscribers/billing/create-billing-app.js';
import { createEmailApp } from '../../services/subscribers/email/create-email-app.js';
import { createInventoryApp } from '../../services/subscribers/inventory/create-inventory-app.js';
import { createWarehouseApp } from '../../services/subscribers/warehouse/create-warehouse-app.js';
import { serve } from '../support/serve.js';

export type ServiceApp = {
  name: string;
  app: Express;
  /** GET /openapi.json */
  document: () => Promise<OpenApiDocument>;
  /** GET `path`, a JSON document */
  served: (path: string) => Promise<unknown>;
};

/**
 * Every service's express app as main.ts builds it, for reading its routes and its document. No
 * request reaches a route that queries, so the pool never connects: no database is needed. `auth`
 * is what the token-guarded routes check (off unless a test asks for tokens).
 */
export function everyServiceApp(auth: AuthConfig = { mode: 'off' }): {
  apps: ServiceApp[];
  close: () => Promise<void>;
} {
  const db = createDb({ connectionString: 'postgres://nobody@127.0.0.1:1/unused' });
  const logger = createLogger('contracts', 'silent');
  const common = { db, logger, bodyLimit: '1mb', clock: () => new Date() };
  const subscriber = { ...common, webhookSecrets: [generateWebhookSecret()], auth };
  const relay: Relay = {
    instanceId: 'contract-test',
    ownedStreams: () => [],
    isListening: () => false,
    wake: () => undefined,
    stop: () => Promise.resolve(),
  };
  const apps: Record<string, Express> = {
    'order-api': createOrderApiApp({
      ...common,
      idempotencyRetentionMs: 24 * 3_600_000,
      auth,
      notifier: createOutboxNotifier(db, logger),
    }),
    relay: createRelayAdminApp({ relay, db, logger, bodyLimit: '1mb', registry: new Registry() }),
    email: createEmailApp(subscriber),
    inventory: createInventoryApp(subscriber),
    warehouse: createWarehouseApp(subscriber),
    billing: createBillingApp({ ...subscriber, catalog: { currency: 'EUR', defaultPriceCents: 1000 } }),
  };
  return {
    apps: Object.entries(apps).map(([name, app]) => ({
      name,
      app,
      document: () => servedJson(app, '/openapi.json') as Promise<OpenApiDocument>,
      served: (path) => servedJson(app, path),
    })),
    close: () => db.destroy(),
  };
}

/** What the app answers at GET `path`, asked over real HTTP. */
async function servedJson(app: Express, path: string): Promise<unknown> {
  const served = await serve(app);
  try {
    const response = await fetch(`${served.baseUrl}${path}`);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return await response.json();
  } finally {
    await served.close();
  }
}
