import { ALL_SCOPES } from '../../common/auth/scopes.js';
import { bearerSecuritySchemes } from '../../common/http/openapi/security.js';
import { buildServiceDocument, type OpenApiDocument } from '../../common/http/openapi/build-document.js';
import { deliveryOperation } from '../../common/http/openapi/delivery-operation.js';

/**
 * A subscriber's OpenAPI 3.1 document: POST /events (signed, no token), the common routes (open)
 * and its own `paths` (each needing a bearer token with its scope).
 */
export function buildSubscriberDocument(
  name: string,
  paths: Record<string, Record<string, unknown>>,
): OpenApiDocument {
  return buildServiceDocument({
    title: `${name} subscriber`,
    description:
      `The ${name} service: it receives the order events at POST /events and answers its own reads. ` +
      'Deliveries are signed per Standard Webhooks; every other route except health, readiness, ' +
      'metrics and this document needs a bearer token carrying the scope its operation names.',
    paths: { '/events': deliveryOperation('receiveOrderEvents'), ...paths },
    // The scopes named after the service are the ones its operations ask for.
    securitySchemes: bearerSecuritySchemes(ALL_SCOPES.filter((scope) => scope.startsWith(`${name}:`))),
  });
}
