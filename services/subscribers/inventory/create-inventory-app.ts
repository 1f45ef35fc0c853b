import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { AuthConfig } from '../../common/auth/auth-config.js';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import { createSubscriberApp } from '../inbox/create-subscriber-app.js';
import { inventoryEffects } from './inventory-effects.js';
import { inventoryPaths } from './inventory-openapi.js';
import { mountInventoryRoutes } from './inventory-routes.js';
import type { Clock } from '../../common/clock.js';

export type InventoryAppOptions = {
  db: Kysely<DB>;
  webhookSecrets: readonly string[];
  auth: AuthConfig;
  clock: Clock;
  logger: Logger;
  bodyLimit: string;
  /** Where /metrics reads from (shared with the NATS event source). */
  registry?: Registry;
  /** What /readyz checks besides PostgreSQL (the NATS event source). */
  sourceReady?: () => boolean;
};

export function createInventoryApp(options: InventoryAppOptions): Express {
  return createSubscriberApp({
    ...options,
    effects: inventoryEffects,
    routes: (app) => mountInventoryRoutes(app, options.db, options.clock),
    paths: inventoryPaths,
  });
}
