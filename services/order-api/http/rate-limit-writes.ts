import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { findCaller } from '../../common/auth/caller.js';
import { HttpProblem } from '../../common/http/problem.js';
import type { Logger } from '../../common/logger.js';

export type WriteRateLimit = {
  /** Writes a caller may send per window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
};

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A per-caller limit on writes, for `app.use` on the write routes (after `authenticate`): reads
 * pass uncounted. The caller is the token's subject when the request is authenticated, else the
 * client address (AUTH_MODE=off, where every request is the same anonymous caller). Over the
 * limit: 429 problem+json with Retry-After (seconds) and the RateLimit / RateLimit-Policy headers
 * of the IETF draft 8, before anything is written.
 *
 * The counts live in this process (express-rate-limit's memory store): each replica counts on its
 * own, so N replicas behind a balancer let a caller through up to N times the limit (see
 * docs/decisions/rate-limit-per-caller.md).
 */
export function rateLimitWrites(options: {
  /** Unset, or a limit of 0: every write passes. */
  rate: WriteRateLimit | undefined;
  logger: Logger;
}): RequestHandler {
  const { rate } = options;
  if (!rate || rate.limit === 0) return (_req, _res, next) => next();
  const windowSeconds = Math.ceil(rate.windowMs / 1000);
  return rateLimit({
    windowMs: rate.windowMs,
    limit: rate.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'writes',
    skip: (req) => READS.has(req.method),
    keyGenerator: (req, res) => {
      const caller = findCaller(res);
      // A subject cannot collide with an address: each has its own prefix.
      if (caller?.authenticated) return `subject:${caller.subject}`;
      return `address:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, res, next) => {
      const retryAfter = String(res.getHeader('Retry-After') ?? windowSeconds);
      next(
        new HttpProblem(
          429,
          `More than ${rate.limit} writes in ${windowSeconds} s from this caller; retry after ${retryAfter} s.`,
          { headers: { 'Retry-After': retryAfter } },
        ),
      );
    },
    logger: {
      warn: (error, message) => options.logger.warn({ err: error }, message ?? 'rate limiter warning'),
      error: (error, message) => options.logger.error({ err: error }, message ?? 'rate limiter error'),
    },
  });
}
