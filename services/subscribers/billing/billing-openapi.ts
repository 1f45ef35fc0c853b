import { needsScope } from '../../common/http/openapi/security.js';
import { bodyProblems, commonProblems, json } from '../../common/http/openapi/responses.js';
import { nullable, orderIdQuery, skuPath } from '../inbox/openapi-parameters.js';

const price = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    unitPriceCents: { type: 'integer', minimum: 0 },
    currency: { type: 'string' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['sku', 'unitPriceCents', 'currency', 'updatedAt'],
};

const chargeLine = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    quantity: { type: 'integer' },
    unitPriceCents: { type: 'integer' },
    totalCents: { type: 'integer' },
  },
  required: ['sku', 'quantity', 'unitPriceCents', 'totalCents'],
};

/** The billing service's own routes, for its OpenAPI document. */
export const billingPaths = {
  '/prices': {
    get: needsScope('billing:read', {
      operationId: 'listPrices',
      tags: ['billing'],
      summary: 'The catalog: currency, default unit price and every price set',
      responses: {
        '200': json('The catalog', {
          type: 'object',
          properties: {
            currency: { type: 'string' },
            defaultUnitPriceCents: { type: 'integer', minimum: 0 },
            prices: { type: 'array', items: price },
          },
          required: ['currency', 'defaultUnitPriceCents', 'prices'],
        }),
        ...commonProblems,
      },
    }),
  },
  '/prices/{sku}': {
    put: needsScope('billing:write', {
      operationId: 'setPrice',
      tags: ['billing'],
      summary: "Set a SKU's unit price (orders placed later are charged at it)",
      parameters: [skuPath],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { unitPriceCents: { type: 'integer', minimum: 0, maximum: 100_000_000 } },
              required: ['unitPriceCents'],
              additionalProperties: false,
            },
          },
        },
      },
      responses: { '200': json('The price as saved', price), ...commonProblems, ...bodyProblems },
    }),
  },
  '/charges': {
    get: needsScope('billing:read', {
      operationId: 'listCharges',
      tags: ['billing'],
      summary: "An order's charges",
      parameters: [orderIdQuery],
      responses: {
        '200': json('The charges', {
          type: 'object',
          properties: {
            charges: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  orderId: { type: 'string', format: 'uuid' },
                  status: { enum: ['charged', 'refunded', 'voided'] },
                  customerId: nullable('string'),
                  amountCents: nullable('integer'),
                  currency: { type: 'string' },
                  lines: nullable('array', { items: chargeLine }),
                  chargedAt: nullable('string', { format: 'date-time' }),
                  refundedAt: nullable('string', { format: 'date-time' }),
                  cancelReason: nullable('string'),
                },
                required: ['orderId', 'status', 'currency'],
              },
            },
          },
          required: ['charges'],
        }),
        ...commonProblems,
      },
    }),
  },
};
