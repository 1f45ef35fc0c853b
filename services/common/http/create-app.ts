import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { errorHandler, notFound } from './errors.js';
import type { OpenApiDocument } from './openapi/build-document.js';
import { createHttpMetrics } from './metrics.js';
import { JSON_MEDIA_TYPES, requireJsonBody } from './require-json.js';
import { requireValidPath } from './require-valid-path.js';
import { securityHeaders } from './security-headers.js';

export type HttpAppOptions = {
  service: string;
  logger: Logger;
  /** Body size limit, e.g. "256kb". */
  bodyLimit: string;
  /** Served at GET /openapi.json: every route the service answers, this one included. */
  openApi: OpenApiDocument;
  /** What /readyz checks, usually that PostgreSQL answers. */
  isReady: () => Promise<boolean>;
  /** The service's own routes, mounted between the common middleware and the error handlers. */
  routes: (app: Express, registry: Registry) => void;
  /**
   * Routes that read their body themselves (a webhook checks its signature over the raw bytes
   * before anything parses them), mounted before the JSON body parser: their bodies are not read
   * for them, their errors still become problem+json.
   */
  rawBodyRoutes?: (app: Express, registry: Registry) => void;
  /** In front of every route, the health probes included (it lets through what it must): access control. */
  guard?: RequestHandler;
  registry?: Registry;
};

/**
 * Every service's HTTP edge: security headers on every response, paths that decode (400
 * otherwise), JSON bodies within a limit (headers within node's default 16 KiB, 431 beyond),
 * problem+json for every error, health, readiness, Prometheus metrics and the service's OpenAPI
 * document. Routes come in through `routes` so the 404 and error handlers are always last.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const metrics = createHttpMetrics(options.service, options.registry);

  app.use(securityHeaders());
  app.use(metrics.middleware);
  app.use(requireValidPath);
  if (options.guard) app.use(options.guard);
  options.rawBodyRoutes?.(app, metrics.registry);
  app.use(requireJsonBody);
  app.use(express.json({ limit: options.bodyLimit, type: JSON_MEDIA_TYPES }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await options.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database: ready });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const openApi = JSON.stringify(options.openApi);
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openApi);
  });

  options.routes(app, metrics.registry);

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
