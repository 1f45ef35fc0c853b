import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { AuthConfig } from '../../common/auth/auth-config.js';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import { createSubscriberApp } from '../inbox/create-subscriber-app.js';
import { billingEffects } from './billing-effects.js';
import { billingPaths } from './billing-openapi.js';
import { mountBillingRoutes } from './billing-routes.js';
import type { Catalog } from './catalog.js';
import type { Clock } from '../../common/clock.js';

export type BillingAppOptions = {
  db: Kysely<DB>;
  webhookSecrets: readonly string[];
  auth: AuthConfig;
  clock: Clock;
  logger: Logger;
  bodyLimit: string;
  /** Where /metrics reads from (shared with the NATS event source). */
  registry?: Registry;
  catalog: Catalog;
  /** What /readyz checks besides PostgreSQL (the NATS event source). */
  sourceReady?: () => boolean;
};

export function createBillingApp(options: BillingAppOptions): Express {
  return createSubscriberApp({
    ...options,
    effects: billingEffects(options.catalog),
    routes: (app) => mountBillingRoutes(app, options.db, options.catalog, options.clock),
    paths: billingPaths,
  });
}
