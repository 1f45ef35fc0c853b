import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { DB } from '../common/db/database.js';
import { isDatabaseReachable } from '../common/db/is-reachable.js';
import { buildAsyncApiDocument } from '../common/events/asyncapi.js';
import { createHttpApp } from '../common/http/create-app.js';
import type { Logger } from '../common/logger.js';
import { buildRelayAdminDocument } from './admin-openapi.js';
import type { Relay } from './relay.js';

/**
 * The relay's admin port: /healthz, /readyz (PostgreSQL answers), /metrics (the registry holding
 * the relay metrics), GET /streams, what this instance drives right now, /openapi.json and
 * /asyncapi.json, the events it sends.
 */
export function createRelayAdminApp(options: {
  relay: Relay;
  db: Kysely<DB>;
  registry: Registry;
  logger: Logger;
  bodyLimit: string;
}): Express {
  const { relay } = options;
  const asyncApi = JSON.stringify(buildAsyncApiDocument());
  return createHttpApp({
    service: 'relay',
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    registry: options.registry,
    openApi: buildRelayAdminDocument(),
    isReady: () => isDatabaseReachable(options.db),
    routes: (app) => {
      app.get('/asyncapi.json', (_req, res) => {
        res.type('application/json').send(asyncApi);
      });
      app.get('/streams', (_req, res) => {
        res.json({
          instanceId: relay.instanceId,
          owned: relay.ownedStreams(),
          listening: relay.isListening(),
        });
      });
    },
  });
}
