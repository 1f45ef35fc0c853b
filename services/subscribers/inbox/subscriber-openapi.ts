import { buildServiceDocument, type OpenApiDocument } from '../../common/http/openapi/build-document.js';
import { deliveryOperation } from '../../common/http/openapi/delivery-operation.js';

/** A subscriber's OpenAPI 3.1 document: POST /events, the common routes and its own `paths`. */
export function buildSubscriberDocument(
  name: string,
  paths: Record<string, Record<string, unknown>>,
): OpenApiDocument {
  return buildServiceDocument({
    title: `${name} subscriber`,
    description: `The ${name} service: it receives the order events at POST /events and answers its own reads.`,
    paths: { '/events': deliveryOperation('receiveOrderEvents'), ...paths },
  });
}
