import type { OrderItem } from '../../common/events/order-events.js';
import type { Order, OrderStatus } from '../order.js';

export type OrderJson = {
  id: string;
  customerId: string;
  items: OrderItem[];
  status: OrderStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export function toOrderJson(order: Order): OrderJson {
  return {
    id: order.id,
    customerId: order.customerId,
    items: order.items,
    status: order.status,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
