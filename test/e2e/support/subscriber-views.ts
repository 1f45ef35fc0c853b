/**
 * Reads the subscribers' effects over their HTTP endpoints and brings each answer to one
 * small shape. The readers accept the plausible variants of a response (a bare array or one wrapped
 * in an object; amount or total; status or kind) so the checks state what must hold, not how a
 * service spells it. This file is the one place to adjust if a service's shape differs. Every call
 * carries an operator's token (the subscribers' own routes need one).
 */
import { operatorAuthorization } from './operator-authorization.js';

export type Json = Record<string, unknown>;

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { authorization: await operatorAuthorization() },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** A list answer, bare or wrapped ({items: [...]}, {emails: [...]}, ...). */
export function asList(body: unknown): Json[] {
  if (body === undefined || body === null) return [];
  if (Array.isArray(body)) return body as Json[];
  if (typeof body === 'object') {
    const list = Object.values(body).find(Array.isArray);
    if (list) return list as Json[];
  }
  throw new Error(`expected a list, got ${JSON.stringify(body)}`);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function firstNumber(entry: Json, pattern: RegExp): number | undefined {
  const key = Object.keys(entry).find((name) => pattern.test(name) && typeof entry[name] === 'number');
  return key === undefined ? undefined : (entry[key] as number);
}

/** When an entry was recorded, if it says so: used to order a list that may not be ordered. */
function recordedAt(entry: Json): string {
  return text(entry.createdAt ?? entry.sentAt ?? entry.recordedAt ?? entry.processedAt ?? entry.at);
}

export type EmailKind = 'placed' | 'shipped' | 'delivered' | 'cancelled' | 'unknown';

export function emailKind(email: Json): EmailKind {
  const described = `${text(email.eventType)} ${text(email.type)} ${text(email.kind)} ${text(email.template)}`;
  for (const source of [described, text(email.subject)]) {
    const match = /placed|shipped|delivered|cancel/i.exec(source)?.[0]?.toLowerCase();
    if (match) return match === 'cancel' ? 'cancelled' : (match as EmailKind);
  }
  return 'unknown';
}

export async function emailsOf(baseUrl: string, orderId: string): Promise<EmailKind[]> {
  const emails = asList(await getJson(`${baseUrl}/emails?orderId=${orderId}`));
  const ordered = emails.every((email) => recordedAt(email))
    ? [...emails].sort((a, b) => recordedAt(a).localeCompare(recordedAt(b)))
    : emails;
  return ordered.map(emailKind);
}

export type Stock = { sku: string; onHand: number; reserved: number; available: number };

export async function stockOf(baseUrl: string, sku: string): Promise<Stock | undefined> {
  return (await getJson(`${baseUrl}/stock/${encodeURIComponent(sku)}`)) as Stock | undefined;
}

export async function restock(baseUrl: string, sku: string, onHand: number): Promise<void> {
  await put(`${baseUrl}/stock/${encodeURIComponent(sku)}`, { onHand });
}

export async function reservationsOf(baseUrl: string, orderId: string): Promise<Json[]> {
  return asList(await getJson(`${baseUrl}/reservations?orderId=${orderId}`));
}

export async function shipmentStatusOf(baseUrl: string, orderId: string): Promise<string | undefined> {
  const shipment = (await getJson(`${baseUrl}/shipments/${orderId}`)) as Json | undefined;
  return shipment ? text(shipment.status ?? shipment.state) : undefined;
}

export async function setPrice(baseUrl: string, sku: string, unitPriceCents: number): Promise<void> {
  await put(`${baseUrl}/prices/${encodeURIComponent(sku)}`, { unitPriceCents });
}

export type Billing = {
  charges: number;
  refunds: number;
  /** Charges voided: the order was cancelled before anything was charged. */
  voided: number;
  chargedCents: number | undefined;
};

/**
 * Charges of an order, whether a refund is its own entry (kind/type "refund") or a status on the
 * charge ("refunded", a refundedAt or refundedCents field).
 */
export async function billingOf(baseUrl: string, orderId: string): Promise<Billing> {
  const entries = asList(await getJson(`${baseUrl}/charges?orderId=${orderId}`));
  const isRefundEntry = (entry: Json) => /refund/i.test(`${text(entry.kind)} ${text(entry.type)}`);
  const charges = entries.filter((entry) => !isRefundEntry(entry));
  const refundedCharges = charges.filter(
    (entry) =>
      /refund/i.test(text(entry.status)) ||
      Boolean(entry.refundedAt) ||
      (firstNumber(entry, /^refunded/i) ?? 0) > 0 ||
      (Array.isArray(entry.refunds) && entry.refunds.length > 0),
  );
  const nestedRefunds = charges.reduce(
    (total, entry) => total + (Array.isArray(entry.refunds) ? entry.refunds.length : 0),
    0,
  );
  const refunds = entries.filter(isRefundEntry).length + Math.max(nestedRefunds, refundedCharges.length);
  const first = charges[0];
  return {
    charges: charges.length,
    refunds,
    voided: charges.filter((entry) => /void/i.test(text(entry.status))).length,
    chargedCents: first ? firstNumber(first, /^(amount|total)/i) : undefined,
  };
}

async function put(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: await operatorAuthorization() },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT ${url} answered ${response.status}: ${await response.text()}`);
}
