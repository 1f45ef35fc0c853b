import { needsScope } from '../../common/http/openapi/security.js';
import { commonProblems, json } from '../../common/http/openapi/responses.js';
import { orderIdQuery, timestamp } from '../inbox/openapi-parameters.js';

const kind = { enum: ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'] };

/** The email service's own routes, for its OpenAPI document. */
export const emailPaths = {
  '/emails': {
    get: needsScope('email:read', {
      operationId: 'listEmails',
      tags: ['email'],
      summary: "An order's notifications: those sent (oldest first) and those held for its OrderPlaced",
      parameters: [orderIdQuery],
      responses: {
        '200': json('The notifications', {
          type: 'object',
          properties: {
            emails: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  eventId: { type: 'string', format: 'uuid' },
                  orderId: { type: 'string', format: 'uuid' },
                  customerId: { type: 'string' },
                  kind,
                  subject: { type: 'string' },
                  body: { type: 'string' },
                  createdAt: timestamp,
                },
                required: ['id', 'eventId', 'orderId', 'customerId', 'kind', 'subject', 'body', 'createdAt'],
              },
            },
            held: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  eventId: { type: 'string', format: 'uuid' },
                  kind,
                  reason: { type: ['string', 'null'] },
                  heldAt: timestamp,
                },
                required: ['eventId', 'kind', 'reason', 'heldAt'],
              },
            },
          },
          required: ['emails', 'held'],
        }),
        ...commonProblems,
      },
    }),
  },
};
