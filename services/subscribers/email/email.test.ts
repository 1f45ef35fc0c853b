import { describe, expect, it } from '@jest/globals';
import {
  itHonoursTheDeliveryContract,
  itTreatsAnOrderCancelledBeforePlacedAsNormal,
  serveSubscriber,
} from '../../../test/support/subscriber-contract.js';
import {
  deliver,
  getJson,
  newOrderId,
  orderEvents,
  type Json,
} from '../../../test/support/subscriber-delivery.js';
import { itRefusesCallersWithoutTheScope } from '../../../test/support/subscriber-token-checks.js';
import { createEmailApp } from './create-email-app.js';

const subscriber = serveSubscriber(createEmailApp);
const send = (events: Parameters<typeof deliver>[2]) =>
  deliver(subscriber().baseUrl, subscriber().secret, events);
type Mailbox = {
  emails: { kind: string; subject: string; body: string; customerId: string; eventId: string }[];
  held: Json[];
};
const mailbox = async (orderId: string): Promise<Mailbox> =>
  (await getJson<Mailbox>(`${subscriber().baseUrl}/emails?orderId=${orderId}`)).body;
const kinds = async (orderId: string): Promise<string[]> =>
  (await mailbox(orderId)).emails.map((email) => email.kind);
const items = [
  { sku: 'TEAPOT', quantity: 1 },
  { sku: 'CUP', quantity: 4 },
];

itHonoursTheDeliveryContract({
  schema: 'email',
  subscriber,
  lifecycle: (orderId) => [
    orderEvents.placed(orderId, items),
    orderEvents.shipped(orderId),
    orderEvents.delivered(orderId),
  ],
  expectLifecycleApplied: async (orderId) => {
    expect(await kinds(orderId)).toEqual(['OrderPlaced', 'OrderShipped', 'OrderDelivered']);
  },
});

describe('the email service', () => {
  itTreatsAnOrderCancelledBeforePlacedAsNormal({
    schema: 'email',
    subscriber,
    // No mail: the customer never placed it (and there is no OrderPlaced to address one from).
    expectNothingFor: async (orderId) => {
      expect(await mailbox(orderId)).toEqual({ emails: [], held: [] });
    },
  });

  it('writes to the customer for each step of the lifecycle, naming the order and its items', async () => {
    const orderId = newOrderId();
    await send([orderEvents.placed(orderId, items, 'ada@example.com'), orderEvents.shipped(orderId)]);
    await send([orderEvents.delivered(orderId)]);
    const { emails, held } = await mailbox(orderId);
    expect(held).toEqual([]);
    expect(emails).toHaveLength(3);
    for (const email of emails) {
      expect(email).toMatchObject({ orderId, customerId: 'ada@example.com' });
      expect(email.subject).toContain(orderId);
      expect(email.body).toContain('1 x TEAPOT');
      expect(email.body).toContain('4 x CUP');
    }
    expect(emails.map((email) => email.subject)).toEqual([
      `We received your order ${orderId}`,
      `Your order ${orderId} has shipped`,
      `Your order ${orderId} was delivered`,
    ]);
  });

  it('tells the customer about a cancellation and its reason', async () => {
    const orderId = newOrderId();
    await send([orderEvents.placed(orderId, items), orderEvents.cancelled(orderId, 'out of budget')]);
    const { emails } = await mailbox(orderId);
    expect(emails.map((email) => email.kind)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(emails[1]!.subject).toBe(`Your order ${orderId} was cancelled`);
    expect(emails[1]!.body).toContain('Reason: out of budget');
    expect(emails[1]!.body).toContain('4 x CUP');
  });

  it('keeps each order right whatever else is in the batch', async () => {
    const [a, b] = [newOrderId(), newOrderId()];
    await send([
      orderEvents.placed(a, items, 'a@example.com'),
      orderEvents.placed(b, [{ sku: 'SPOON', quantity: 2 }], 'b@example.com'),
      orderEvents.shipped(b),
      orderEvents.cancelled(a),
    ]);
    expect(await kinds(a)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(await kinds(b)).toEqual(['OrderPlaced', 'OrderShipped']);
    expect((await mailbox(b)).emails[1]).toMatchObject({ customerId: 'b@example.com' });
  });

  it('holds a notification for an order not seen placed, and sends it right after the late OrderPlaced', async () => {
    const orderId = newOrderId();
    const shipped = orderEvents.shipped(orderId);
    expect((await send([shipped])).body).toEqual({ processed: 1, duplicates: 0, ignored: 0 });
    expect(await mailbox(orderId)).toEqual({
      emails: [],
      held: [expect.objectContaining({ eventId: shipped.eventId, kind: 'OrderShipped' })],
    });
    await send([orderEvents.placed(orderId, items, 'late@example.com')]);
    const { emails, held } = await mailbox(orderId);
    expect(held).toEqual([]);
    expect(emails.map((email) => email.kind)).toEqual(['OrderPlaced', 'OrderShipped']);
    expect(emails[1]).toMatchObject({ eventId: shipped.eventId, customerId: 'late@example.com' });
  });

  it('answers 400 for GET /emails without a valid orderId', async () => {
    const refused = await getJson(`${subscriber().baseUrl}/emails?orderId=abc`);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/orderId/);
  });
});

describe('tokens on the email routes', () => {
  itRefusesCallersWithoutTheScope({
    name: 'email',
    subscriber,
    route: () => ({ method: 'GET', path: `/emails?orderId=${newOrderId()}`, scope: 'email:read' }),
  });
});
