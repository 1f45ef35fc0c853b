import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE, toCloudEvent } from '../../services/common/events/cloud-event.js';
import { FIRST_EVENT_VERSION, type OrderItem } from '../../services/common/events/order-events.js';
import type { OutboxEvent } from '../../services/common/events/outbox-event.js';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';
import { operatorToken } from './test-tokens.js';

/**
 * What the relay would send, built in tests: order events as outbox rows, mapped to CloudEvents and
 * POSTed as one batch signed with the `standardwebhooks` package. The knobs forge, tamper with or
 * age a delivery.
 */
export { generateWebhookSecret };

let position = 0;

export function newOrderId(): string {
  return uuidv7();
}

/**
 * The versions the Order API gives an order's events, whatever order a test builds them in: created
 * at 1 without an event, OrderPlaced at 2, each later event one more than the order's last one.
 */
const lastVersions = new Map<string, number>();

function versionOf(eventType: string, orderId: string): number {
  if (eventType === 'OrderPlaced') return FIRST_EVENT_VERSION;
  const version = (lastVersions.get(orderId) ?? FIRST_EVENT_VERSION) + 1;
  lastVersions.set(orderId, version);
  return version;
}

function outboxEvent(
  eventType: string,
  orderId: string,
  payload: unknown,
  aggregateVersion = versionOf(eventType, orderId),
): OutboxEvent {
  position += 1;
  return {
    position: String(position),
    eventId: uuidv7(),
    aggregateType: 'Order',
    aggregateId: orderId,
    aggregateVersion,
    eventType,
    payload,
    metadata: { correlationId: `test-${position}` },
    occurredAt: new Date(),
  };
}

/** Factories for each event of the contract (and one it does not know, and one with a bad payload). */
export const orderEvents = {
  placed: (orderId: string, items: OrderItem[], customerId = 'customer-1') =>
    outboxEvent('OrderPlaced', orderId, { orderId, customerId, items }),
  shipped: (orderId: string) => outboxEvent('OrderShipped', orderId, { orderId }),
  delivered: (orderId: string) => outboxEvent('OrderDelivered', orderId, { orderId }),
  cancelled: (orderId: string, reason: string | null = 'changed my mind') =>
    outboxEvent('OrderCancelled', orderId, { orderId, reason }),
  /** The only event of an order cancelled while Pending: it was never placed. */
  cancelledBeforePlaced: (orderId: string, reason: string | null = 'changed my mind') =>
    outboxEvent('OrderCancelled', orderId, { orderId, reason }, FIRST_EVENT_VERSION),
  unknown: (orderId: string) => outboxEvent('OrderGiftWrapped', orderId, { orderId, paper: 'gold' }),
  invalid: (orderId: string) => outboxEvent('OrderPlaced', orderId, { orderId, items: 'none' }),
};

export type DeliveryOptions = {
  /** Sign with this secret instead (a forger's). */
  signWith?: string;
  /** Sign as if sent at this time (a stale or replayed delivery). */
  sentAt?: Date;
  /** Change the body after signing. */
  tamper?: (body: string) => string;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** The raw body to send instead of the events (malformed batches). */
  rawBody?: string;
};

export type Delivery = { status: number; body: Record<string, unknown> };

/** POSTs the events as one signed CloudEvents batch to `<baseUrl>/events`, as the relay does. */
export async function deliver(
  baseUrl: string,
  secret: string,
  events: OutboxEvent[],
  options: DeliveryOptions = {},
): Promise<Delivery> {
  const response = await deliverRaw(baseUrl, secret, events, options);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The same, answering the fetch Response itself (to read its headers). */
export async function deliverRaw(
  baseUrl: string,
  secret: string,
  events: OutboxEvent[],
  options: DeliveryOptions = {},
): Promise<Response> {
  const body = options.rawBody ?? JSON.stringify(events.map(toCloudEvent));
  const messageId = `msg_${uuidv7()}`;
  const sentAt = options.sentAt ?? new Date();
  const signature = new Webhook(options.signWith ?? secret).sign(messageId, sentAt, body);
  const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE };
  if (!options.unsigned) {
    headers['webhook-id'] = messageId;
    headers['webhook-timestamp'] = String(Math.floor(sentAt.getTime() / 1000));
    headers['webhook-signature'] = signature;
  }
  return fetch(`${baseUrl}/events`, {
    method: 'POST',
    headers,
    body: options.tamper ? options.tamper(body) : body,
  });
}

// Tests read response bodies loosely and assert their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/**
 * The Authorization header for `token`: an operator's token (every scope) when none is given, no
 * header at all with `null` (the subscribers' own routes need a token; POST /events does not).
 */
async function authorization(token: string | null | undefined): Promise<Record<string, string>> {
  if (token === null) return {};
  return { authorization: `Bearer ${token ?? (await operatorToken())}` };
}

export async function getJson<Body = Json>(
  url: string,
  token?: string | null,
): Promise<{ status: number; body: Body }> {
  const response = await fetch(url, { headers: await authorization(token) });
  return { status: response.status, body: (await response.json()) as Body };
}

export async function sendJson(
  method: 'PUT' | 'POST',
  url: string,
  body: unknown,
  token?: string | null,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(await authorization(token)) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
