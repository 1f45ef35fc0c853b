import type { RequestHandler } from 'express';
import { HttpProblem } from './problem.js';

/** Whether `path` decodes: every `%` starts an escape (two hex digits) and the escapes spell UTF-8. */
export function isValidPercentEncoding(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a path that is not valid percent-encoding with 400, before any route sees it. Left to
 * express, decoding a route parameter (`/orders/%ZZ/place`) throws a URIError that surfaces as a
 * 500, and a path no route matches would get a 404 that hides what is wrong with it.
 */
export const requireValidPath: RequestHandler = (req, _res, next) => {
  if (isValidPercentEncoding(req.path)) {
    next();
    return;
  }
  next(
    new HttpProblem(
      400,
      'The request path is not valid percent-encoding: each % must begin an escape of two hex digits, ' +
        'and the escapes must spell UTF-8.',
    ),
  );
};
