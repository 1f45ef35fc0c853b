import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { AuthConfig } from '../common/auth/auth-config.js';
import { authenticate } from '../common/auth/authenticate.js';
import type { DB } from '../common/db/database.js';
import { isDatabaseReachable } from '../common/db/is-reachable.js';
import { createHttpApp } from '../common/http/create-app.js';
import { requestSpan } from '../common/tracing/request-span.js';
import type { Logger } from '../common/logger.js';
import type { Clock } from '../common/clock.js';
import type { OutboxNotifier } from './store/outbox-notifier.js';
import { createCommandMetrics } from './http/command-metrics.js';
import { mountCommandRoutes } from './http/command-routes.js';
import { correlationIdFrom } from './http/event-metadata.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { mountQueryRoutes } from './http/query-routes.js';
import { rateLimitWrites, type WriteRateLimit } from './http/rate-limit-writes.js';

export type OrderApiOptions = {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  bodyLimit: string;
  idempotencyRetentionMs: number;
  /** Wakes the relay after commands that appended events; the caller drains it on shutdown. */
  notifier: OutboxNotifier;
  /** Who may call: bearer tokens checked against it, or AUTH_MODE=off (see docs/api.md). */
  auth: AuthConfig;
  registry?: Registry;
  /** Writes per caller per window (ORDER_API_WRITE_RATE_LIMIT/_WINDOW); unset or 0: no limit. */
  writeRateLimit?: WriteRateLimit;
};

/** The Order API as an express app: main.ts serves it, tests serve it on a free port. */
export function createOrderApiApp(options: OrderApiOptions): Express {
  return createHttpApp({
    service: 'order-api',
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    openApi: buildOpenApiDocument(),
    isReady: () => isDatabaseReachable(options.db),
    ...(options.registry ? { registry: options.registry } : {}),
    routes: (app, registry) => {
      // First, so that the span covers authentication and the command, and is the events' context.
      app.use(requestSpan());
      app.use((req, res, next) => {
        // Echo the correlation id so a client can match its logs with ours.
        const correlationId = correlationIdFrom(req);
        if (correlationId) res.set('X-Correlation-Id', correlationId);
        next();
      });
      // After the open routes createHttpApp mounted (health, readiness, metrics, the document).
      app.use(authenticate(options.auth, { realm: 'order-api', logger: options.logger }));
      // Behind authentication, so that writes are counted per token subject.
      app.use('/orders', rateLimitWrites({ rate: options.writeRateLimit, logger: options.logger }));
      mountQueryRoutes(app, options.db);
      mountCommandRoutes(app, {
        db: options.db,
        clock: options.clock,
        logger: options.logger,
        metrics: createCommandMetrics(registry),
        idempotencyRetentionMs: options.idempotencyRetentionMs,
        notifier: options.notifier,
      });
    },
  });
}
