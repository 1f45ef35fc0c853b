import { CLOUDEVENTS_BATCH_CONTENT_TYPE } from '../../common/events/cloud-event.js';
// Registers the OrderCloudEvent schema the events route references.
import '../../common/events/cloud-event-schema.js';
import { buildServiceDocument, type OpenApiDocument } from '../../common/http/openapi/build-document.js';
import { queryParametersOf, ref } from '../../common/http/openapi/component-schemas.js';
import {
  bodyProblems,
  commonProblems,
  problem,
  tracingParameters,
} from '../../common/http/openapi/responses.js';
import { authProblems, bearerSecuritySchemes, requiresScope } from '../../common/http/openapi/security.js';
import { PROBLEM_CONTENT_TYPE } from '../../common/http/problem.js';
import type { Scope } from '../../common/auth/scopes.js';
// Registers the ids (`.meta({ id })`) of the request and response schemas referenced below.
import './schemas.js';

const validationProblem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('ValidationProblem') } },
});

const correlationIdParameter = {
  name: 'X-Correlation-Id',
  in: 'header',
  required: false,
  description:
    'Echoed on the response and kept on the events the request causes (CloudEvents `correlationid`); ' +
    'X-Request-Id is read when it is absent. Longer than 200 characters: ignored.',
  schema: { type: 'string', maxLength: 200 },
};

const correlationIdHeader = {
  'X-Correlation-Id': {
    description: "The request's X-Correlation-Id (or X-Request-Id), when it sent one",
    schema: { type: 'string' },
  },
};

const etagHeader = {
  ETag: { description: 'The order version, quoted: send it back in If-Match', schema: { type: 'string' } },
};

const orderResponse = (status: string, description: string, headers: Record<string, unknown> = {}) => ({
  [status]: {
    description,
    headers: { ...etagHeader, ...correlationIdHeader, ...headers },
    content: { 'application/json': { schema: ref('Order') } },
  },
});

const orderIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Same key and same request within the retention: the first response is replayed (with Idempotent-Replayed: true). ' +
    'Same key, different request: 422. Same key while the first is running: 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

const idempotentReplayedHeader = {
  'Idempotent-Replayed': {
    description: 'true when this is the stored response of an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};

const ifMatchParameter = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'The ETag last read; 412 when the order has moved on since',
  schema: { type: 'string', examples: ['"2"'] },
};

const commonParameters = [correlationIdParameter, ...tracingParameters];

const keysUnavailable =
  'or the token signing keys could not be fetched from AUTH_JWKS_URL to check the token';

/** The Order API's scopes, as the security scheme lists them. */
const ORDER_SCOPES: Scope[] = [
  'orders:create',
  'orders:read',
  'orders:cancel',
  'orders:fulfil',
  'orders:admin',
];

const ownOrdersOnly = "Without orders:admin, only the caller's own orders (customerId = the token's subject)";

/** 401 and 403 for an operation needing `scope`; `also` adds the other reason for a 403, if any. */
const tokenProblems = (scope: Scope, also = '') =>
  authProblems(`The token lacks ${scope} (type /problems/insufficient-scope, requiredScope)${also}`);

const commandProblems = {
  ...commonProblems,
  ...bodyProblems,
  '400': validationProblem('Invalid input: one entry per bad field in `errors`'),
  '409': problem(
    'The transition is refused (detail and currentStatus name the current status), or the Idempotency-Key is in flight',
  ),
  '422': problem('The Idempotency-Key was used with a different request'),
  '429': {
    ...problem('More writes from this caller (token subject) than ORDER_API_WRITE_RATE_LIMIT per window'),
    headers: {
      'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
      RateLimit: {
        description: 'IETF draft 8: `"writes"; r=<remaining>; t=<seconds>`',
        schema: { type: 'string' },
      },
      'RateLimit-Policy': {
        description: 'IETF draft 8: `"writes"; q=<limit>; w=<window seconds>; pk=<partition key>`',
        schema: { type: 'string' },
      },
    },
  },
  '503': {
    ...problem(
      'The database could not be reached to finish the command or to learn whether it took effect ' +
        '(retry after Retry-After seconds, with the same Idempotency-Key to be sure it applies once), ' +
        keysUnavailable,
    ),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
  },
};

const queryProblems = {
  ...commonProblems,
  '400': validationProblem('Invalid input: one entry per bad field in `errors`'),
  '503': {
    ...problem('The token could not be checked: its signing keys could not be fetched from AUTH_JWKS_URL'),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
  },
};

function actionOperation(
  action: string,
  summary: string,
  bodySchema: string,
  access: { scope: Scope; ownOrdersOnly: boolean },
) {
  return {
    post: {
      operationId: `${action}Order`,
      tags: ['orders'],
      summary,
      description: access.ownOrdersOnly
        ? `Needs ${access.scope}. ${ownOrdersOnly}: another customer's order is 404, as if it did not exist.`
        : `Needs ${access.scope}, which acts on any customer's order (staff, fulfilment services).`,
      ...requiresScope(access.scope),
      parameters: [orderIdParameter, idempotencyKeyParameter, ifMatchParameter, ...commonParameters],
      requestBody: { required: false, content: { 'application/json': { schema: ref(bodySchema) } } },
      responses: {
        ...orderResponse('200', 'The order after the transition', idempotentReplayedHeader),
        ...commandProblems,
        ...tokenProblems(access.scope),
        '404': problem(access.ownOrdersOnly ? "No such order (or another customer's)" : 'No such order'),
        '412': problem('If-Match does not match the current version'),
      },
    },
  };
}

/** The OpenAPI 3.1 document served at /openapi.json. */
export function buildOpenApiDocument(): OpenApiDocument {
  return buildServiceDocument({
    title: 'Order API',
    description:
      'Orders and their lifecycle (Pending -> Processing -> Shipped -> Delivered, or Cancelled). Every change is saved with its domain event in one transaction (transactional outbox).\n\n' +
      'Every /orders operation needs a bearer token (JWT) with the scope it names; the scopes are listed, with what each allows, ' +
      'under `x-scopes` of the bearerAuth security scheme. A token without orders:admin acts for one customer, its subject: ' +
      "another customer's order answers 404 exactly like a missing one, and creating or listing for another customer is 403 " +
      '(type /problems/not-your-customer). Idempotency-Keys are kept per caller. Health, readiness, metrics and this document need no token.',
    securitySchemes: bearerSecuritySchemes(ORDER_SCOPES),
    paths: {
      '/orders': {
        post: {
          operationId: 'createOrder',
          tags: ['orders'],
          summary: 'Create a Pending order',
          description: `Needs orders:create. ${ownOrdersOnly}: customerId must be the subject, else 403.`,
          ...requiresScope('orders:create'),
          parameters: [idempotencyKeyParameter, ...commonParameters],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('CreateOrderRequest') } },
          },
          responses: {
            ...orderResponse('201', 'The new order', {
              ...idempotentReplayedHeader,
              Location: { description: 'The new order', schema: { type: 'string' } },
            }),
            ...commandProblems,
            ...tokenProblems(
              'orders:create',
              ', or customerId is not its subject and it lacks orders:admin (type /problems/not-your-customer)',
            ),
            '409': problem('The Idempotency-Key is in flight'),
          },
        },
        get: {
          operationId: 'listOrders',
          tags: ['orders'],
          summary: 'List orders, newest first, cursor-paginated',
          description: `Needs orders:read. ${ownOrdersOnly}: without customerId the list is the caller's own; naming another customer is 403.`,
          ...requiresScope('orders:read'),
          parameters: [...queryParametersOf('ListOrdersQuery'), ...commonParameters],
          responses: {
            '200': {
              description: 'One page',
              headers: correlationIdHeader,
              content: { 'application/json': { schema: ref('OrderPage') } },
            },
            ...queryProblems,
            ...tokenProblems(
              'orders:read',
              ', or customerId names another customer and it lacks orders:admin (type /problems/not-your-customer)',
            ),
          },
        },
      },
      '/orders/{id}': {
        get: {
          operationId: 'getOrder',
          tags: ['orders'],
          summary: 'Read one order',
          description: `Needs orders:read. ${ownOrdersOnly}: another customer's order is 404, as if it did not exist.`,
          ...requiresScope('orders:read'),
          parameters: [orderIdParameter, ...commonParameters],
          responses: {
            ...orderResponse('200', 'The order'),
            ...queryProblems,
            ...tokenProblems('orders:read'),
            '404': problem("No such order (or another customer's)"),
          },
        },
      },
      '/orders/{id}/place': actionOperation(
        'place',
        'Place a Pending order (records OrderPlaced)',
        'EmptyRequest',
        { scope: 'orders:create', ownOrdersOnly: true },
      ),
      '/orders/{id}/ship': actionOperation(
        'ship',
        'Ship a Processing order (records OrderShipped)',
        'EmptyRequest',
        { scope: 'orders:fulfil', ownOrdersOnly: false },
      ),
      '/orders/{id}/deliver': actionOperation(
        'deliver',
        'Deliver a Shipped order (records OrderDelivered)',
        'EmptyRequest',
        { scope: 'orders:fulfil', ownOrdersOnly: false },
      ),
      '/orders/{id}/cancel': actionOperation(
        'cancel',
        'Cancel a Pending or Processing order (records OrderCancelled)',
        'CancelOrderRequest',
        { scope: 'orders:cancel', ownOrdersOnly: true },
      ),
      '/orders/{id}/events': {
        get: {
          operationId: 'listOrderEvents',
          tags: ['orders'],
          summary: "The order's events, oldest first, as CloudEvents 1.0",
          description: `Needs orders:read. ${ownOrdersOnly}: another customer's order is 404, as if it did not exist.`,
          ...requiresScope('orders:read'),
          parameters: [orderIdParameter, ...commonParameters],
          responses: {
            '200': {
              description: 'The events still in the outbox',
              headers: correlationIdHeader,
              content: {
                [CLOUDEVENTS_BATCH_CONTENT_TYPE]: {
                  schema: { type: 'array', items: ref('OrderCloudEvent') },
                },
              },
            },
            ...queryProblems,
            ...tokenProblems('orders:read'),
            '404': problem("No such order (or another customer's)"),
          },
        },
      },
    },
  });
}
