import type { OrderEvent, OrderItem } from '../common/events/order-events.js';

/**
 * The Order aggregate: pure decisions, no I/O. Each action takes the current order and the time,
 * and either returns the next state with the events it recorded, or refuses with the current
 * status and the attempted action. The store persists what this decides; it never decides itself.
 */
export const ORDER_STATUSES = ['Pending', 'Processing', 'Shipped', 'Delivered', 'Cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ACTIONS = ['place', 'ship', 'deliver', 'cancel'] as const;
export type OrderActionName = (typeof ORDER_ACTIONS)[number];

export type OrderAction =
  { type: 'place' } | { type: 'ship' } | { type: 'deliver' } | { type: 'cancel'; reason: string | null };

export type Order = {
  id: string;
  customerId: string;
  items: OrderItem[];
  status: OrderStatus;
  /** 1 at creation, +1 per accepted action: the ETag and the events' aggregate version. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

/** A transition the lifecycle does not allow; nothing changes. */
export type TransitionRefused = {
  kind: 'transition-refused';
  orderId: string;
  status: OrderStatus;
  action: OrderActionName;
  message: string;
};

export type Decision =
  { ok: true; order: Order; events: OrderEvent[] } | { ok: false; refusal: TransitionRefused };

export function createOrder(input: { id: string; customerId: string; items: OrderItem[] }, now: Date): Order {
  return {
    id: input.id,
    customerId: input.customerId,
    items: input.items.map((item) => ({ ...item })),
    status: 'Pending',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Where each action may start and where it leads. */
const TRANSITIONS: Record<OrderActionName, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  place: { from: ['Pending'], to: 'Processing' },
  ship: { from: ['Processing'], to: 'Shipped' },
  deliver: { from: ['Shipped'], to: 'Delivered' },
  cancel: { from: ['Pending', 'Processing'], to: 'Cancelled' },
};

export function decide(order: Order, action: OrderAction, now: Date): Decision {
  const transition = TRANSITIONS[action.type];
  if (!transition.from.includes(order.status)) {
    return { ok: false, refusal: refusal(order, action.type) };
  }
  const next: Order = { ...order, status: transition.to, version: order.version + 1, updatedAt: now };
  return { ok: true, order: next, events: [recordedEvent(order, action)] };
}

/**
 * The order as an accepted `action` left it, at that action's `version` and time, rebuilt from the
 * order as it is now (it may have moved on since; its customer, items and creation never change):
 * the reply of a command that learns only afterwards that its own write committed.
 */
export function orderAsLeftBy(current: Order, action: OrderActionName, version: number, at: Date): Order {
  return {
    ...current,
    items: current.items.map((item) => ({ ...item })),
    status: TRANSITIONS[action].to,
    version,
    updatedAt: at,
  };
}

function recordedEvent(order: Order, action: OrderAction): OrderEvent {
  switch (action.type) {
    case 'place':
      return {
        type: 'OrderPlaced',
        data: { orderId: order.id, customerId: order.customerId, items: order.items.map((i) => ({ ...i })) },
      };
    case 'ship':
      return { type: 'OrderShipped', data: { orderId: order.id } };
    case 'deliver':
      return { type: 'OrderDelivered', data: { orderId: order.id } };
    case 'cancel':
      return { type: 'OrderCancelled', data: { orderId: order.id, reason: action.reason } };
  }
}

function refusal(order: Order, action: OrderActionName): TransitionRefused {
  const allowed = TRANSITIONS[action].from.join(' or ');
  return {
    kind: 'transition-refused',
    orderId: order.id,
    status: order.status,
    action,
    message: `Cannot ${action} order ${order.id}: it is ${order.status} (${action} is allowed only from ${allowed}).`,
  };
}

export const place = (order: Order, now: Date): Decision => decide(order, { type: 'place' }, now);
export const ship = (order: Order, now: Date): Decision => decide(order, { type: 'ship' }, now);
export const deliver = (order: Order, now: Date): Decision => decide(order, { type: 'deliver' }, now);
export const cancel = (order: Order, reason: string | null, now: Date): Decision =>
  decide(order, { type: 'cancel', reason }, now);
