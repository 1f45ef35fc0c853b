import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Request, RequestHandler, Response } from 'express';
import { contextFromHeaders } from './trace-headers.js';
import { spanTime } from './span-time.js';
import { isTracingOn } from './tracing.js';
import { tracer } from './tracer.js';

const SPAN = Symbol('request span');
const ARRIVAL = Symbol('request arrival');

type WithSpan = { [SPAN]?: Span; [ARRIVAL]?: number };

/**
 * Notes when the request arrived, so that a requestSpan mounted further down starts there. For a
 * route whose caller's trace context may be trusted only after a check (a signature): the span,
 * and its parent, come after the check, and its time still covers it.
 */
export function markArrival(): RequestHandler {
  return (_req, res, next) => {
    if (isTracingOn()) (res as WithSpan)[ARRIVAL] = performance.now();
    next();
  };
}

function arrivalOf(res: Response): number | undefined {
  return (res as WithSpan)[ARRIVAL];
}

/**
 * A server span per request, child of the caller's traceparent when it sends one, active for the
 * middleware and route after this one, ended when the response is finished (or the connection
 * closed). It starts where markArrival noted the request, if it ran, else now. Named by method
 * and route template once the route is known ("POST /orders/:id/place"). With tracing off it only
 * calls next().
 */
export function requestSpan(name: (req: Request) => string = routeName): RequestHandler {
  return (req, res, next) => {
    if (!isTracingOn()) return next();
    const parent = contextFromHeaders(req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        startTime: spanTime(arrivalOf(res)),
        attributes: { 'http.request.method': req.method, 'url.path': req.path },
      },
      parent,
    );
    (res as WithSpan)[SPAN] = span;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.updateName(name(req));
      if (req.route) span.setAttribute('http.route', routeTemplate(req));
      span.setAttribute('http.response.status_code', res.statusCode);
      if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection closed' });
      else if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(spanTime());
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * The span requestSpan started for this response, for a route whose work runs where the context
 * did not follow (after a body read by a stream's callbacks): run it in `inRequestSpan`.
 */
export function spanOfRequest(res: Response): Span | undefined {
  return (res as WithSpan)[SPAN];
}

/** Runs `work` with the request's span active (as is), so its child spans and log lines join it. */
export function inRequestSpan<T>(res: Response, work: () => T): T {
  const span = spanOfRequest(res);
  return span ? context.with(trace.setSpan(context.active(), span), work) : work();
}

function routeTemplate(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return `${req.baseUrl}${typeof path === 'string' ? path : ''}`;
}

function routeName(req: Request): string {
  return req.route ? `${req.method} ${routeTemplate(req)}` : req.method;
}
