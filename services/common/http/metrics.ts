import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type HttpMetrics = {
  registry: Registry;
  middleware: RequestHandler;
};

/**
 * A registry per process (not prom-client's global one) so that several apps can live in one test
 * process, with the default Node metrics plus request count and duration by route and status.
 */
export function createHttpMetrics(service: string, registry = new Registry()): HttpMetrics {
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      // The route template, never the raw path: ids in paths would explode the label set.
      const route = req.route
        ? `${req.baseUrl}${String((req.route as { path: unknown }).path)}`
        : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      // A server-sent event stream lasts as long as its page: not a request duration.
      if (!String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) stop(labels);
    });
    next();
  };
  return { registry, middleware };
}
