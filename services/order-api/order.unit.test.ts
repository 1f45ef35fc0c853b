import { describe, expect, it } from '@jest/globals';
import { isCancelledBeforePlaced } from '../common/events/order-events.js';
import {
  ORDER_ACTIONS,
  ORDER_STATUSES,
  createOrder,
  decide,
  orderAsLeftBy,
  type Order,
  type OrderAction,
  type OrderActionName,
  type OrderStatus,
} from './order.js';

const created = new Date('2026-11-27T10:00:00.000Z');
const later = new Date('2026-11-27T10:05:00.000Z');
const id = '019ac5a4-7a9e-7cc1-8e11-000000000001';

function orderIn(status: OrderStatus): Order {
  return { ...createOrder({ id, customerId: 'c-1', items: [{ sku: 'A', quantity: 2 }] }, created), status };
}

function action(name: OrderActionName): OrderAction {
  return name === 'cancel' ? { type: 'cancel', reason: 'changed my mind' } : { type: name };
}

/** The whole lifecycle table: what each action does from each status. */
const EXPECTED: Record<OrderStatus, Partial<Record<OrderActionName, [OrderStatus, string]>>> = {
  Pending: { place: ['Processing', 'OrderPlaced'], cancel: ['Cancelled', 'OrderCancelled'] },
  Processing: { ship: ['Shipped', 'OrderShipped'], cancel: ['Cancelled', 'OrderCancelled'] },
  Shipped: { deliver: ['Delivered', 'OrderDelivered'] },
  Delivered: {},
  Cancelled: {},
};

describe('the Order aggregate', () => {
  it('creates a Pending order at version 1 with no event', () => {
    const order = createOrder({ id, customerId: 'c-1', items: [{ sku: 'A', quantity: 2 }] }, created);
    expect(order).toEqual({
      id,
      customerId: 'c-1',
      items: [{ sku: 'A', quantity: 2 }],
      status: 'Pending',
      version: 1,
      createdAt: created,
      updatedAt: created,
    });
  });

  const pairs = ORDER_STATUSES.flatMap((status) => ORDER_ACTIONS.map((name) => [status, name] as const));

  it.each(pairs)('from %s, %s is decided by the lifecycle table', (status, name) => {
    const before = orderIn(status);
    const decision = decide(before, action(name), later);
    const expected = EXPECTED[status][name];
    if (expected) {
      // Given an allowed transition, then the order moves on one version and records one event.
      const [nextStatus, eventType] = expected;
      expect(decision.ok).toBe(true);
      if (!decision.ok) return;
      expect(decision.order).toMatchObject({ status: nextStatus, version: 2, updatedAt: later });
      expect(decision.order.createdAt).toBe(created);
      expect(decision.events.map((event) => event.type)).toEqual([eventType]);
    } else {
      // Given a refused transition, then the refusal names the current status and the action.
      expect(decision).toEqual({
        ok: false,
        refusal: {
          kind: 'transition-refused',
          orderId: id,
          status,
          action: name,
          message: expect.stringContaining(`it is ${status}`),
        },
      });
    }
    expect(before.status).toBe(status);
    expect(before.version).toBe(1);
  });

  it('records OrderPlaced with the order id, customer and items', () => {
    const decision = decide(orderIn('Pending'), { type: 'place' }, later);
    expect(decision.ok && decision.events).toEqual([
      { type: 'OrderPlaced', data: { orderId: id, customerId: 'c-1', items: [{ sku: 'A', quantity: 2 }] } },
    ]);
  });

  it('records OrderShipped and OrderDelivered with the order id', () => {
    const shipped = decide(orderIn('Processing'), { type: 'ship' }, later);
    expect(shipped.ok && shipped.events).toEqual([{ type: 'OrderShipped', data: { orderId: id } }]);
    const delivered = decide(orderIn('Shipped'), { type: 'deliver' }, later);
    expect(delivered.ok && delivered.events).toEqual([{ type: 'OrderDelivered', data: { orderId: id } }]);
  });

  it('records OrderCancelled with the reason, or null when none was given', () => {
    const withReason = decide(orderIn('Processing'), { type: 'cancel', reason: 'too slow' }, later);
    expect(withReason.ok && withReason.events).toEqual([
      { type: 'OrderCancelled', data: { orderId: id, reason: 'too slow' } },
    ]);
    const without = decide(orderIn('Pending'), { type: 'cancel', reason: null }, later);
    expect(without.ok && without.events).toEqual([
      { type: 'OrderCancelled', data: { orderId: id, reason: null } },
    ]);
  });

  const allowed = pairs.filter(([status, name]) => EXPECTED[status][name] !== undefined);

  it.each(allowed)(
    'rebuilds the order as %s + %s left it, from the order as it is later, exactly as decided',
    (status, name) => {
      const decision = decide({ ...orderIn(status), version: 3 }, action(name), later);
      if (!decision.ok) throw new Error('the table says this transition is allowed');
      // However the order moved on afterwards, the rebuilt order is the one the action decided.
      for (const now of ORDER_STATUSES) {
        const current = { ...orderIn(now), version: 9, updatedAt: new Date('2026-11-28T00:00:00.000Z') };
        expect(orderAsLeftBy(current, name, 4, later)).toEqual(decision.order);
      }
    },
  );

  it('versions its events so that subscribers can tell a cancellation before placing from a late one', () => {
    // Every accepted path from creation: each event, at the version it carries, is "cancelled
    // before placed" exactly when it is an OrderCancelled with no OrderPlaced before it.
    const walk = (order: Order, history: string[]): void => {
      for (const name of ORDER_ACTIONS) {
        const decision = decide(order, action(name), later);
        if (!decision.ok) continue;
        for (const event of decision.events) {
          const expected = event.type === 'OrderCancelled' && !history.includes('OrderPlaced');
          expect([
            ...history,
            event.type,
            isCancelledBeforePlaced(event.type, decision.order.version),
          ]).toEqual([...history, event.type, expected]);
        }
        walk(decision.order, [...history, ...decision.events.map((event) => event.type)]);
      }
    };
    walk(orderIn('Pending'), []);
  });
});
