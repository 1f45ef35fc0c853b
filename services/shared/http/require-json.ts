import type { RequestHandler } from 'express';
import typeis from 'type-is';
import { HttpProblem } from './problem.js';

export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/**
 * express.json() silently ignores bodies of other types, which would leave a route reading an empty
 * body; a request that carries a body must carry JSON, or it gets 415.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (typeis.hasBody(req) && !typeis(req, JSON_MEDIA_TYPES)) {
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
