import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { AuthConfig } from '../../common/auth/auth-config.js';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import { createSubscriberApp } from '../inbox/create-subscriber-app.js';
import { warehouseEffects } from './warehouse-effects.js';
import { warehousePaths } from './warehouse-openapi.js';
import { mountWarehouseRoutes } from './warehouse-routes.js';
import type { Clock } from '../../common/clock.js';

export type WarehouseAppOptions = {
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

export function createWarehouseApp(options: WarehouseAppOptions): Express {
  return createSubscriberApp({
    ...options,
    effects: warehouseEffects,
    routes: (app) => mountWarehouseRoutes(app, options.db),
    paths: warehousePaths,
  });
}
