import { needsScope } from '../../common/http/openapi/security.js';
import { bodyProblems, commonProblems, json, problem } from '../../common/http/openapi/responses.js';
import { orderIdQuery, skuPath } from '../inbox/openapi-parameters.js';

const stock = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    onHand: { type: 'integer', minimum: 0 },
    reserved: { type: 'integer', minimum: 0 },
    available: { type: 'integer' },
  },
  required: ['sku', 'onHand', 'reserved', 'available'],
};

/** The inventory service's own routes, for its OpenAPI document. */
export const inventoryPaths = {
  '/stock/{sku}': {
    get: needsScope('inventory:read', {
      operationId: 'getStock',
      tags: ['inventory'],
      summary: "A SKU's stock: on hand, reserved by orders, available",
      parameters: [skuPath],
      responses: {
        '200': json('The stock', stock),
        ...commonProblems,
        '404': problem('No stock recorded for this SKU'),
      },
    }),
    put: needsScope('inventory:write', {
      operationId: 'restock',
      tags: ['inventory'],
      summary: 'Set the units on hand of a SKU',
      parameters: [skuPath],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { onHand: { type: 'integer', minimum: 0, maximum: 1_000_000_000 } },
              required: ['onHand'],
              additionalProperties: false,
            },
          },
        },
      },
      responses: {
        '200': json('The stock after the change', stock),
        ...commonProblems,
        ...bodyProblems,
        '409': problem('On hand would go below the units already reserved (the problem carries `stock`)'),
      },
    }),
  },
  '/reservations': {
    get: needsScope('inventory:read', {
      operationId: 'listReservations',
      tags: ['inventory'],
      summary: "An order's reservations, line by line",
      parameters: [orderIdQuery],
      responses: {
        '200': json('The reservations', {
          type: 'object',
          properties: {
            orderId: { type: 'string', format: 'uuid' },
            status: { type: ['string', 'null'], description: 'null when the order is unknown here' },
            reservations: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  sku: { type: 'string' },
                  quantity: { type: 'integer' },
                  reserved: { type: 'integer' },
                  committed: { type: 'integer' },
                  backordered: { type: 'integer' },
                  status: { type: 'string' },
                },
                required: ['sku', 'quantity', 'status'],
              },
            },
          },
          required: ['orderId', 'status', 'reservations'],
        }),
        ...commonProblems,
      },
    }),
  },
};
