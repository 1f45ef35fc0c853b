import { z } from 'zod';
import { problemSchema } from '../../common/http/problem-schema.js';
import { ORDER_STATUSES } from '../order.js';

/**
 * Every request and response shape of the Order API, as zod schemas: requests are validated with
 * them and /openapi.json is generated from them, so the document cannot drift from the code.
 * Strict objects: an unknown field is a client mistake worth reporting, not something to ignore.
 */
const sku = z.string().min(1).max(100).meta({ description: 'Stock keeping unit', example: 'SKU-RED-MUG' });

export const orderItemInputSchema = z
  .union([
    sku.describe('A SKU alone means quantity 1'),
    z.strictObject({ sku, quantity: z.number().int().min(1).max(1000) }),
  ])
  .meta({ id: 'OrderItemInput' });

export const createOrderBodySchema = z
  .strictObject({
    customerId: z.string().min(1).max(100),
    items: z.array(orderItemInputSchema).min(1).max(100),
  })
  .meta({ id: 'CreateOrderRequest' });

export const cancelOrderBodySchema = z
  .strictObject({ reason: z.string().min(1).max(500).nullable().optional() })
  .meta({ id: 'CancelOrderRequest' });

/** place, ship and deliver take no input; a body, if sent, must be empty. */
export const emptyBodySchema = z.strictObject({}).meta({ id: 'EmptyRequest' });

export const orderIdParamsSchema = z.strictObject({ id: z.uuid() });

export const orderStatusSchema = z.enum(ORDER_STATUSES).meta({ id: 'OrderStatus' });

export const listOrdersQuerySchema = z
  .strictObject({
    customerId: z.string().min(1).max(100).optional(),
    status: orderStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.uuid().optional(),
  })
  .meta({ id: 'ListOrdersQuery' });

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const orderItemSchema = z
  .strictObject({ sku, quantity: z.number().int().min(1).max(1000) })
  .meta({ id: 'OrderItem' });

export const orderSchema = z
  .strictObject({
    id: z.uuid(),
    customerId: z.string(),
    items: z.array(orderItemSchema),
    status: orderStatusSchema,
    version: z.number().int().min(1),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Order' });

export const orderPageSchema = z
  .strictObject({
    items: z.array(orderSchema),
    next: z.uuid().nullable().describe('Pass as `after` to read the next page; null on the last page'),
  })
  .meta({ id: 'OrderPage' });

export const fieldErrorSchema = z
  .strictObject({
    in: z.enum(['path', 'query', 'header', 'body']),
    field: z.string(),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const validationProblemSchema = problemSchema
  .extend({ errors: z.array(fieldErrorSchema).optional() })
  .meta({
    id: 'ValidationProblem',
    description: 'A problem; an invalid request lists every bad field in `errors`',
  });
