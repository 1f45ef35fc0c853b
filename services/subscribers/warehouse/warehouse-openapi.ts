import { needsScope } from '../../common/http/openapi/security.js';
import { commonProblems, json, problem } from '../../common/http/openapi/responses.js';
import { nullable, timestamp } from '../inbox/openapi-parameters.js';

/** The warehouse service's own routes, for its OpenAPI document. */
export const warehousePaths = {
  '/shipments/{orderId}': {
    get: needsScope('warehouse:read', {
      operationId: 'getShipment',
      tags: ['warehouse'],
      summary: "An order's shipment",
      parameters: [
        { name: 'orderId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      responses: {
        '200': json('The shipment', {
          type: 'object',
          properties: {
            orderId: { type: 'string', format: 'uuid' },
            status: { enum: ['awaiting_pick', 'shipped', 'delivered', 'cancelled'] },
            customerId: nullable('string'),
            items: nullable('array', {
              items: {
                type: 'object',
                properties: { sku: { type: 'string' }, quantity: { type: 'integer' } },
                required: ['sku', 'quantity'],
              },
            }),
            placedAt: nullable('string', { format: 'date-time' }),
            shippedAt: nullable('string', { format: 'date-time' }),
            deliveredAt: nullable('string', { format: 'date-time' }),
            cancelledAt: nullable('string', { format: 'date-time' }),
            cancelReason: nullable('string'),
            updatedAt: timestamp,
          },
          required: ['orderId', 'status'],
        }),
        ...commonProblems,
        '404': problem('No shipment for this order'),
      },
    }),
  },
};
