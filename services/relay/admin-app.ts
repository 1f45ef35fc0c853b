import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { systemClock, type Clock } from '../common/clock.js';
import type { DB } from '../common/db/database.js';
import { isDatabaseReachable } from '../common/db/is-reachable.js';
import { buildAsyncApiDocument } from '../common/events/asyncapi.js';
import { createHttpApp } from '../common/http/create-app.js';
import type { Logger } from '../common/logger.js';
import { buildRelayAdminDocument } from './admin-openapi.js';
import { adminCredentials } from './console/admin-credentials.js';
import { adminGuard } from './console/admin-guard.js';
import { mountConsoleApi } from './console/console-api.js';
import { mountConsolePages } from './console/console-pages.js';
import type { Relay } from './relay.js';

/** How often the console's live view is refreshed. */
const CONSOLE_REFRESH_MS = 2_000;

/**
 * The relay's admin port: the operator's console at `/` and its JSON API under `/api/`, /healthz,
 * /readyz (PostgreSQL answers), /metrics (the registry holding the relay metrics), GET /streams,
 * what this instance drives right now, /openapi.json and /asyncapi.json, the events it sends.
 * Everything but the probes sits behind the admin guard (token, loopback host, CSRF).
 */
export function createRelayAdminApp(options: {
  relay: Relay;
  db: Kysely<DB>;
  registry: Registry;
  logger: Logger;
  bodyLimit: string;
  clock?: Clock;
  /** The address the server is bound to (default 127.0.0.1): on loopback, only loopback names are answered. */
  boundHost?: string;
  /** RELAY_ADMIN_TOKEN: when set, every request but the probes needs it. */
  adminToken?: string | undefined;
  /** Aborted at shutdown: the console's live streams end so the server can close. */
  stopping?: AbortSignal;
}): Express {
  const { relay } = options;
  const asyncApi = JSON.stringify(buildAsyncApiDocument());
  const credentials = adminCredentials(options.adminToken);
  const clock = options.clock ?? systemClock;
  return createHttpApp({
    service: 'relay',
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    registry: options.registry,
    openApi: buildRelayAdminDocument(),
    isReady: () => isDatabaseReachable(options.db),
    guard: adminGuard({ credentials, boundHost: options.boundHost ?? '127.0.0.1', clock }),
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
      mountConsolePages(app, credentials, clock);
      mountConsoleApi(app, {
        db: options.db,
        instanceId: relay.instanceId,
        credentials,
        clock,
        refreshMs: CONSOLE_REFRESH_MS,
        stopping: options.stopping ?? new AbortController().signal,
      });
    },
  });
}
