import type { OrderEvent } from '../../common/events/order-events.js';
import { runsByOrderWave } from '../inbox/event-runs.js';
import type { DeliveredEvent, SubscriberEffects } from '../inbox/subscriber.js';
import type { EmailMessage, EmailTransport } from './email-transport.js';
import { holdNotifications, type HeldNotification } from './held-notifications.js';
import { findOrders, rememberOrders } from './remember-orders.js';
import { renderEmail, type KnownOrder } from './render-email.js';

const reasonOf = (event: OrderEvent) => (event.type === 'OrderCancelled' ? event.data.reason : null);

function message(held: HeldNotification, order: KnownOrder, now: Date): EmailMessage {
  return {
    eventId: held.eventId,
    orderId: order.orderId,
    customerId: order.customerId,
    kind: held.kind,
    ...renderEmail(held.kind, order, held.reason),
    createdAt: now,
  };
}

const asNotification = (event: DeliveredEvent): HeldNotification => ({
  eventId: event.id,
  orderId: event.data.orderId,
  kind: event.type,
  reason: reasonOf(event),
});

/**
 * Email: a message to the customer for each order event. Later events carry only the order id, so
 * the customer and items come from the order's OrderPlaced; a notification for an order not seen
 * placed is held and sent, in order, right after that OrderPlaced arrives (or dropped unsent after
 * EMAIL_HELD_NOTIFICATION_RETENTION, see held-notification-expiry.ts). An order cancelled before it was
 * placed gets no mail at all: it never reaches this code (see handle-batch.ts).
 */
export function emailEffects(transport: EmailTransport): SubscriberEffects {
  return {
    name: 'email',
    handles: ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'],
    async apply(trx, events, { now }) {
      const unseenOrderEventIds: string[] = [];
      for (const run of runsByOrderWave(events)) {
        if (run.type === 'OrderPlaced') {
          const placed = run.events;
          const orders = placed.map(({ data }) => data);
          const held = await rememberOrders(trx, orders, now);
          const byId = new Map(orders.map((order) => [order.orderId, order]));
          await transport.send(trx, [
            ...placed.map((event) => message(asNotification(event), event.data, now)),
            ...held.map((notification) => message(notification, byId.get(notification.orderId)!, now)),
          ]);
          continue;
        }
        const known = await findOrders(
          trx,
          run.events.map((event) => event.data.orderId),
        );
        const unseen = run.events.filter((event) => !known.has(event.data.orderId));
        await holdNotifications(trx, unseen.map(asNotification), now);
        unseenOrderEventIds.push(...unseen.map((event) => event.id));
        await transport.send(
          trx,
          run.events
            .filter((event) => known.has(event.data.orderId))
            .map((event) => message(asNotification(event), known.get(event.data.orderId)!, now)),
        );
      }
      return { unseenOrderEventIds };
    },
  };
}
