import type { OrderEventType } from './order-events.js';

/**
 * The version of each event type's payload schema. Raise it only for a change a subscriber must
 * know about (a field removed, renamed or retyped); a new optional field keeps the version.
 */
export const ORDER_EVENT_SCHEMA_VERSIONS: Record<OrderEventType, number> = {
  OrderPlaced: 1,
  OrderShipped: 1,
  OrderDelivered: 1,
  OrderCancelled: 1,
};

/**
 * The CloudEvents `dataschema` of an event type: a URN rather than a URL, so it names the schema
 * without promising a host that serves it. The AsyncAPI document gives the payload schema under
 * this same URN as its `$id`.
 */
export function dataSchemaUri(type: OrderEventType): string {
  return `urn:order-outbox:schema:${type}:${ORDER_EVENT_SCHEMA_VERSIONS[type]}`;
}
