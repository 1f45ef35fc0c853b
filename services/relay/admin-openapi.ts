import { buildServiceDocument, type OpenApiDocument } from '../common/http/openapi/build-document.js';
import { deliveryOperation } from '../common/http/openapi/delivery-operation.js';
import { commonProblems, json } from '../common/http/openapi/responses.js';
import { ADMIN_SECURITY_SCHEMES, consolePaths, guardedByAdminToken } from './console/console-openapi.js';

/** The relay admin port's OpenAPI 3.1 document, with the delivery contract as its webhook. */
export function buildRelayAdminDocument(): OpenApiDocument {
  const document = buildServiceDocument({
    title: 'Relay admin',
    description:
      'The relay worker delivers the outbox to each subscription. Its admin port answers health, ' +
      "readiness, metrics, what this instance drives and the operator's console (a page at / and its " +
      'JSON API under /api/); the events it sends are the `orderEvents` webhook. It binds 127.0.0.1 ' +
      'unless RELAY_ADMIN_HOST says otherwise; with RELAY_ADMIN_TOKEN set, every request but ' +
      '/healthz, /readyz and the sign-in page needs it.',
    securitySchemes: ADMIN_SECURITY_SCHEMES,
    paths: {
      ...consolePaths(),
      '/asyncapi.json': {
        get: {
          operationId: 'asyncApiDocument',
          tags: ['operations'],
          summary: 'The AsyncAPI 3.0 document of the events this relay delivers',
          responses: { '200': json('AsyncAPI 3.0', { type: 'object' }), ...commonProblems },
        },
      },
      '/streams': {
        get: {
          operationId: 'listOwnedStreams',
          tags: ['operations'],
          summary: 'The streams (subscriptions) this relay instance holds the lease of right now',
          responses: {
            '200': json('This instance', {
              type: 'object',
              properties: {
                instanceId: { type: 'string' },
                owned: {
                  type: 'array',
                  items: { type: 'string' },
                  description: 'Streams driven, as subscription/partition (e.g. billing/0)',
                },
                listening: {
                  type: 'boolean',
                  description: 'Whether LISTEN for outbox wake-ups is live (otherwise it polls)',
                },
              },
              required: ['instanceId', 'owned', 'listening'],
            }),
            ...commonProblems,
          },
        },
      },
    },
    webhooks: { orderEvents: deliveryOperation('deliverOrderEvents') },
  });
  return { ...document, paths: guardedByAdminToken(document.paths) };
}
