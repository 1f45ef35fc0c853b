/** Parameters several subscribers' read routes share, as their OpenAPI documents give them. */
export const orderIdQuery = {
  name: 'orderId',
  in: 'query',
  required: true,
  description: 'The order id; 400 when it is not a UUID',
  schema: { type: 'string', format: 'uuid' },
};

export const skuPath = {
  name: 'sku',
  in: 'path',
  required: true,
  schema: { type: 'string', minLength: 1, maxLength: 100 },
};

export const nullable = (type: string, extra: Record<string, unknown> = {}) => ({
  type: [type, 'null'],
  ...extra,
});

export const timestamp = { type: 'string', format: 'date-time' };
