import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { AuthConfig } from '../../common/auth/auth-config.js';
import { authenticate } from '../../common/auth/authenticate.js';
import type { DB } from '../../common/db/database.js';
import { isDatabaseReachable } from '../../common/db/is-reachable.js';
import { createHttpApp } from '../../common/http/create-app.js';
import type { Logger } from '../../common/logger.js';
import { mountEventsRoute } from './events-route.js';
import { createInboxMetrics } from './inbox-metrics.js';
import { buildSubscriberDocument } from './subscriber-openapi.js';
import type { SubscriberEffects } from './subscriber.js';
import type { Clock } from '../../common/clock.js';

export type SubscriberAppOptions = {
  db: Kysely<DB>;
  effects: SubscriberEffects;
  webhookSecrets: readonly string[];
  /** Bearer tokens for the service's own routes; POST /events checks its signature instead. */
  auth: AuthConfig;
  clock: Clock;
  logger: Logger;
  /** Must hold the relay's largest batch; a 413 would only be narrowed down to smaller batches. */
  bodyLimit: string;
  /** The service's own read (and admin) routes, mounted behind `authenticate`: each checks its scope. */
  routes: (app: Express) => void;
  /** Those routes as OpenAPI paths; the contract tests hold them to the routes mounted. */
  paths: Record<string, Record<string, unknown>>;
  /** Where /metrics reads from; a fresh one unless the service registers metrics of its own there. */
  registry?: Registry;
  /** What /readyz checks besides PostgreSQL: the NATS event source, when there is one. */
  sourceReady?: () => boolean;
};

/**
 * A subscriber's HTTP edge: the common app (health, metrics, problem+json, /openapi.json, all open)
 * with POST /events (signed, no token) and the service's own routes (bearer token required).
 */
export function createSubscriberApp(options: SubscriberAppOptions): Express {
  return createHttpApp({
    service: options.effects.name,
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    registry: options.registry,
    openApi: buildSubscriberDocument(options.effects.name, options.paths),
    isReady: async () => (options.sourceReady?.() ?? true) && (await isDatabaseReachable(options.db)),
    // POST /events reads its own body: the signature is checked over the raw bytes first.
    rawBodyRoutes: (app, registry) => {
      mountEventsRoute(app, {
        db: options.db,
        effects: options.effects,
        webhookSecrets: options.webhookSecrets,
        bodyLimit: options.bodyLimit,
        clock: options.clock,
        logger: options.logger,
        metrics: createInboxMetrics(registry),
      });
    },
    routes: (app) => {
      // After the open routes and POST /events: from here on, no token, no answer (a path that
      // does not exist answers 401 too, so routes cannot be probed without one).
      app.use(authenticate(options.auth, { realm: options.effects.name, logger: options.logger }));
      options.routes(app);
    },
  });
}
