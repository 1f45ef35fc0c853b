import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The security headers of every response of every service (JSON, problem+json, health, metrics),
 * with helmet: settings for a JSON API that a same-origin admin page may later be served beside.
 * - Content-Security-Policy: `default-src 'self'`, nothing inline (no script, no style, no
 *   attribute handlers), no plugins, no framing, forms and <base> same-origin only. No
 *   `upgrade-insecure-requests`: a service reached over plain HTTP on a private port would have its
 *   page's requests rewritten to an https:// that nothing answers.
 * - X-Frame-Options DENY, matching `frame-ancestors 'none'`: nothing here is meant to be framed.
 * - No Strict-Transport-Security: the services speak plain HTTP behind a proxy that terminates
 *   TLS; HSTS is that proxy's to send, since it knows whether every subdomain serves HTTPS
 *   (see docs/decisions/security-headers.md).
 * - The rest as helmet sets them: nosniff, Referrer-Policy no-referrer, same-origin opener and
 *   resource policies, Origin-Agent-Cluster, X-XSS-Protection 0, no DNS prefetch.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
}
