import type { OrderEventType, OrderItem } from '../../common/events/order-events.js';

/** What the email service remembers of an order from its OrderPlaced: later events carry only its id. */
export type KnownOrder = { orderId: string; customerId: string; items: OrderItem[] };

export type EmailKind = OrderEventType;

export type RenderedEmail = { subject: string; body: string };

const HEADLINES: Record<EmailKind, (orderId: string) => { subject: string; opening: string }> = {
  OrderPlaced: (orderId) => ({
    subject: `We received your order ${orderId}`,
    opening: `Thank you for your order ${orderId}. We are getting it ready.`,
  }),
  OrderShipped: (orderId) => ({
    subject: `Your order ${orderId} has shipped`,
    opening: `Good news: your order ${orderId} is on its way.`,
  }),
  OrderDelivered: (orderId) => ({
    subject: `Your order ${orderId} was delivered`,
    opening: `Your order ${orderId} has been delivered. Enjoy!`,
  }),
  OrderCancelled: (orderId) => ({
    subject: `Your order ${orderId} was cancelled`,
    opening: `Your order ${orderId} has been cancelled.`,
  }),
};

/** A plain-text message to the customer naming the order and its items. Pure. */
export function renderEmail(kind: EmailKind, order: KnownOrder, reason: string | null = null): RenderedEmail {
  const { subject, opening } = HEADLINES[kind](order.orderId);
  const lines = [
    `Hello ${order.customerId},`,
    '',
    opening,
    ...(kind === 'OrderCancelled' && reason ? [`Reason: ${reason}`] : []),
    '',
    'Items:',
    ...order.items.map((item) => `  - ${item.quantity} x ${item.sku}`),
  ];
  return { subject, body: lines.join('\n') };
}
