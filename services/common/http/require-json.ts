import type { RequestHandler } from 'express';
import typeis from 'type-is';
import { HttpProblem } from './problem.js';

export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/**
 * express.json() silently ignores bodies of other types, which would leave a route reading an empty
 * body; a request that carries a body must carry JSON, or it gets 415. `Content-Length: 0` (what
 * fetch sends for a bodiless POST such as /orders/:id/place) carries nothing, so it needs no type.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const empty = req.headers['content-length'] === '0';
  if (typeis.hasBody(req) && !empty && !typeis(req, JSON_MEDIA_TYPES)) {
    next(
      new HttpProblem(
        415,
        `Expected a JSON body (Content-Type: application/json), got ${req.headers['content-type'] ?? 'none'}.`,
      ),
    );
    return;
  }
  next();
};
