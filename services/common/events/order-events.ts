import { z } from 'zod';

/**
 * The event contract between the Order service and every subscriber: types, not classes. The zod
 * schemas are what subscribers validate a delivered payload against (a known type with a payload
 * that does not match is refused with 422).
 */
export const ORDER_AGGREGATE_TYPE = 'Order';

export const orderItemSchema = z.object({
  sku: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1000),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

export const orderEventDataSchemas = {
  OrderPlaced: z.object({
    orderId: z.uuid(),
    customerId: z.string().min(1).max(100),
    items: z.array(orderItemSchema).min(1).max(100),
  }),
  OrderShipped: z.object({ orderId: z.uuid() }),
  OrderDelivered: z.object({ orderId: z.uuid() }),
  OrderCancelled: z.object({ orderId: z.uuid(), reason: z.string().max(500).nullable() }),
};

export type OrderEventType = keyof typeof orderEventDataSchemas;
export const ORDER_EVENT_TYPES = Object.keys(orderEventDataSchemas) as OrderEventType[];

export type OrderPlaced = { type: 'OrderPlaced'; data: z.infer<typeof orderEventDataSchemas.OrderPlaced> };
export type OrderShipped = { type: 'OrderShipped'; data: z.infer<typeof orderEventDataSchemas.OrderShipped> };
export type OrderDelivered = {
  type: 'OrderDelivered';
  data: z.infer<typeof orderEventDataSchemas.OrderDelivered>;
};
export type OrderCancelled = {
  type: 'OrderCancelled';
  data: z.infer<typeof orderEventDataSchemas.OrderCancelled>;
};
export type OrderEvent = OrderPlaced | OrderShipped | OrderDelivered | OrderCancelled;

export function isOrderEventType(type: string): type is OrderEventType {
  return Object.hasOwn(orderEventDataSchemas, type);
}

/**
 * The version an order's first event carries (CloudEvents attribute `aggregateversion`). An order is
 * created Pending at version 1 without any event, and each accepted action adds 1, so its first
 * event is version 2: OrderPlaced, or OrderCancelled when it was cancelled while still Pending.
 */
export const FIRST_EVENT_VERSION = 2;

/**
 * True for the OrderCancelled of an order cancelled while Pending: it was never placed, so no
 * OrderPlaced exists nor ever will (Cancelled is final), and no service has anything to undo. False
 * when the version is unknown (`null`): a sender that leaves it out gets the cautious reading, an
 * order whose OrderPlaced may still come.
 */
export function isCancelledBeforePlaced(type: string, aggregateVersion: number | null): boolean {
  return type === 'OrderCancelled' && aggregateVersion === FIRST_EVENT_VERSION;
}
