import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { HttpProblem, sendProblem } from './problem.js';

/** body-parser marks its own failures with `type`; each maps to the status a client can act on. */
const BODY_PARSER_PROBLEMS: Record<string, (error: Error & { limit?: number }) => HttpProblem> = {
  'entity.parse.failed': () => new HttpProblem(400, 'The request body is not valid JSON.'),
  'entity.too.large': (error) =>
    new HttpProblem(413, `The request body is larger than the limit of ${error.limit ?? '?'} bytes.`),
  'encoding.unsupported': () => new HttpProblem(415, 'The request body encoding is not supported.'),
  'charset.unsupported': () => new HttpProblem(415, 'The request body charset is not supported; use utf-8.'),
  'request.aborted': () => new HttpProblem(400, 'The request was aborted by the client.'),
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, `No route for ${req.method} ${req.path}.`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    if (problem.status >= 500)
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    sendProblem(res, problem, req.originalUrl);
  };
}

function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type in BODY_PARSER_PROBLEMS) {
    return BODY_PARSER_PROBLEMS[type]!(error as Error);
  }
  // Never echo the message or stack of an unexpected error: it may carry internals.
  return new HttpProblem(500, 'An unexpected error occurred; it has been logged.');
}
