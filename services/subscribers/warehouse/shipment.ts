import type { OrderItem } from '../../common/events/order-events.js';

/** awaiting_pick -> shipped -> delivered, or awaiting_pick -> cancelled. */
export type ShipmentStatus = 'awaiting_pick' | 'shipped' | 'delivered' | 'cancelled';

export type Shipment = {
  orderId: string;
  status: ShipmentStatus;
  /** Null while the order's OrderPlaced has not arrived (the shipment was first seen through a later event). */
  customerId: string | null;
  items: OrderItem[] | null;
  placedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
};

/** The statuses a transition may start from: a status never moves backwards. */
export const TRANSITIONS = {
  shipped: ['awaiting_pick'],
  delivered: ['awaiting_pick', 'shipped'],
  cancelled: ['awaiting_pick'],
} as const satisfies Record<Exclude<ShipmentStatus, 'awaiting_pick'>, readonly ShipmentStatus[]>;
