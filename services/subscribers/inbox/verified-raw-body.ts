import express, { type Request, type RequestHandler } from 'express';
import { checkWebhookHeaders, verifyWebhook } from '../../common/events/webhook-signature.js';
import type { HttpProblem } from '../../common/http/problem.js';

export type VerifiedRawBodyOptions = {
  webhookSecrets: readonly string[];
  /** Largest body read; 413 beyond (before reading, when Content-Length says so). */
  bodyLimit: string;
  /** The 401 to answer with, for a Standard Webhooks reason (the caller logs and counts it). */
  refuse: (reason: string, req: Request) => HttpProblem;
};

const NO_BODY = Buffer.alloc(0);

/**
 * The middleware of a signed webhook route, in the order that keeps an unauthenticated sender
 * cheap: (1) the signature headers must be there with a timestamp within the tolerance, else 401
 * before a byte of the body is read; (2) the raw body is read up to the limit (413 beyond); (3) the
 * signature must match those bytes, else 401 with nothing parsed. The route then finds the verified
 * bytes, as received, in `req.body` (a Buffer).
 */
export function verifiedRawBody(options: VerifiedRawBodyOptions): RequestHandler[] {
  const headersFirst: RequestHandler = (req, _res, next) => {
    const checked = checkWebhookHeaders(req.headers);
    next(checked.ok ? undefined : options.refuse(checked.reason, req));
  };
  // Any content type: the signature covers the bytes whatever they claim to be.
  const readRaw = express.raw({ limit: options.bodyLimit, type: () => true });
  const signatureMatches: RequestHandler = (req, _res, next) => {
    // body-parser leaves req.body unset for a request without a body.
    if (!Buffer.isBuffer(req.body)) req.body = NO_BODY;
    const verified = verifyWebhook(options.webhookSecrets, req.body as Buffer, req.headers);
    next(verified.ok ? undefined : options.refuse(verified.reason, req));
  };
  return [headersFirst, readRaw, signatureMatches];
}
