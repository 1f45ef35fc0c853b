/**
 * `npm run demo`: against a running system (`npm start`, or docker compose), restocks a small catalog,
 * walks three orders to Delivered and cancels a fourth, waits until the subscribers show the effects,
 * and prints what each one did, read from their own endpoints. ORDER_API_URL (default
 * http://127.0.0.1:3000) says where the Order API is; the subscribers are on 127.0.0.1 at their
 * *_PORT (defaults 3001-3004).
 *
 * Every request carries a bearer token. By default the demo signs its own with the local key of
 * DATA_DIR, the one `npm start` made: each customer creates, places and cancels its orders with a
 * token of its own, and an operator's token ships, delivers and reads the subscribers. DEMO_TOKEN
 * (an operator's token, e.g. from `npm run token -- --operator` in the compose `keys` container)
 * is used for everything instead, where the local key is not the one the services trust.
 */
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localSigningKey } from '../services/common/auth/local-signing-key.js';
import { mintToken } from '../services/common/auth/mint-token.js';
import { CUSTOMER_SCOPES, OPERATOR_SCOPES } from '../services/common/auth/scopes.js';
import { loadConfig, loadDotEnv } from '../services/common/config.js';
import { DEFAULT_SUBSCRIBERS, type SubscriberName } from '../services/common/events/default-subscribers.js';
import { asList, type Json } from '../test/e2e/support/subscriber-views.js';

loadDotEnv();
const orderApi = (process.env.ORDER_API_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
const subscriberUrl = Object.fromEntries(
  DEFAULT_SUBSCRIBERS.map((subscriber) => [
    subscriber.name,
    `http://127.0.0.1:${process.env[subscriber.portVariable] || subscriber.defaultPort}`,
  ]),
) as Record<SubscriberName, string>;

const CATALOG = [
  { sku: 'DEMO-MUG', name: 'mug', unitPriceCents: 1_250, onHand: 50 },
  { sku: 'DEMO-TEE', name: 't-shirt', unitPriceCents: 1_999, onHand: 30 },
  { sku: 'DEMO-CAP', name: 'cap', unitPriceCents: 1_500, onHand: 20 },
];

type Plan = { customerId: string; items: { sku: string; quantity: number }[]; cancel?: string };
const PLANS: Plan[] = [
  {
    customerId: 'ada',
    items: [
      { sku: 'DEMO-MUG', quantity: 2 },
      { sku: 'DEMO-TEE', quantity: 1 },
    ],
  },
  { customerId: 'grace', items: [{ sku: 'DEMO-CAP', quantity: 1 }] },
  { customerId: 'linus', items: [{ sku: 'DEMO-TEE', quantity: 3 }] },
  { customerId: 'barbara', items: [{ sku: 'DEMO-MUG', quantity: 1 }], cancel: 'found a better mug' },
];

/** The token of `who` (a customer id, or 'operator'): minted once with the local key, or DEMO_TOKEN. */
const tokens = new Map<string, Promise<string>>();
function tokenOf(who: string): Promise<string> {
  const given = process.env.DEMO_TOKEN;
  if (given) return Promise.resolve(given);
  if (!tokens.has(who)) {
    tokens.set(
      who,
      localSigningKey(loadConfig().dataDir).then((key) =>
        mintToken(key, {
          subject: who,
          scopes: who === OPERATOR ? OPERATOR_SCOPES : CUSTOMER_SCOPES,
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          expiresInSeconds: 3600,
        }),
      ),
    );
  }
  return tokens.get(who)!;
}
const OPERATOR = 'operator';

async function call(method: string, url: string, body?: unknown, as = OPERATOR): Promise<Json> {
  const authorization = `Bearer ${await tokenOf(as)}`;
  const response = await fetch(url, {
    method,
    headers: body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status === 401)
    throw new Error(
      `${method} ${url} refused the token (401: ${text}): the services trust another key; set DEMO_TOKEN to an operator's token from it (docs/security.md)`,
    );
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as Json;
}

const get = (url: string) => call('GET', url);
const list = async (url: string) => asList(await get(url));
const money = (cents: unknown) => (typeof cents === 'number' ? `${(cents / 100).toFixed(2)}` : '?');
const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

async function checkRunning(): Promise<void> {
  for (const [name, url] of [['order-api', orderApi], ...Object.entries(subscriberUrl)] as const) {
    try {
      await get(`${url}/healthz`);
    } catch {
      throw new Error(`${name} does not answer on ${url}: start the system first (npm start).`);
    }
  }
}

type Walked = { id: string; plan: Plan; events: number };

async function walk(plan: Plan): Promise<Walked> {
  const customer = plan.customerId;
  const order = await call(
    'POST',
    `${orderApi}/orders`,
    { customerId: customer, items: plan.items },
    customer,
  );
  const id = str(order.id);
  await call('POST', `${orderApi}/orders/${id}/place`, {}, customer);
  if (plan.cancel) {
    await call('POST', `${orderApi}/orders/${id}/cancel`, { reason: plan.cancel }, customer);
    return { id, plan, events: 2 };
  }
  await call('POST', `${orderApi}/orders/${id}/ship`, {});
  await call('POST', `${orderApi}/orders/${id}/deliver`, {});
  return { id, plan, events: 3 };
}

/** The effects are in once every order has an email per event and a shipment in its final state. */
async function effectsVisible(orders: Walked[]): Promise<boolean> {
  for (const order of orders) {
    if ((await list(`${subscriberUrl.email}/emails?orderId=${order.id}`)).length < order.events) return false;
    const shipment = await get(`${subscriberUrl.warehouse}/shipments/${order.id}`).catch(() => undefined);
    if (str(shipment?.status) !== (order.plan.cancel ? 'cancelled' : 'delivered')) return false;
  }
  return true;
}

async function main(): Promise<void> {
  await checkRunning();
  const out: string[] = [];
  const say = (line = '') => out.push(line);

  process.stdout.write('Restocking and pricing the catalog...\n');
  for (const item of CATALOG) {
    await call('PUT', `${subscriberUrl.inventory}/stock/${item.sku}`, { onHand: item.onHand });
    await call('PUT', `${subscriberUrl.billing}/prices/${item.sku}`, { unitPriceCents: item.unitPriceCents });
  }

  process.stdout.write('Walking the orders...\n');
  const orders: Walked[] = [];
  for (const plan of PLANS) orders.push(await walk(plan));

  process.stdout.write('Waiting for the subscribers...\n');
  const deadline = Date.now() + 30_000;
  while (!(await effectsVisible(orders))) {
    if (Date.now() > deadline)
      throw new Error('the subscribers did not show every effect within 30 s: is the relay running?');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  say();
  say('Orders');
  for (const { id, plan } of orders) {
    const lines = plan.items.map((item) => `${item.quantity} x ${item.sku}`).join(', ');
    say(
      `  ${id}  ${plan.customerId.padEnd(8)} ${lines.padEnd(30)} ${plan.cancel ? `Cancelled (${plan.cancel})` : 'Delivered'}`,
    );
  }

  say();
  say(`email (${subscriberUrl.email})`);
  for (const { id, plan } of orders) {
    for (const email of await list(`${subscriberUrl.email}/emails?orderId=${id}`)) {
      say(
        `  to ${str(email.to ?? email.customerId ?? plan.customerId).padEnd(8)} ${str(email.subject) || JSON.stringify(email)}`,
      );
    }
  }

  say();
  say(`inventory (${subscriberUrl.inventory})`);
  for (const item of CATALOG) {
    const stock = await get(`${subscriberUrl.inventory}/stock/${item.sku}`);
    say(
      `  ${item.sku}  restocked to ${item.onHand}: on hand ${str(stock.onHand)}, reserved ${str(stock.reserved)}, available ${str(stock.available)}`,
    );
  }
  for (const { id, plan } of orders) {
    const rows = await list(`${subscriberUrl.inventory}/reservations?orderId=${id}`);
    const described = rows.map((row) => `${str(row.quantity)} x ${str(row.sku)} ${str(row.status)}`.trim());
    say(`  ${plan.customerId.padEnd(8)} ${described.join(', ') || 'no reservation'}`);
  }

  say();
  say(`warehouse (${subscriberUrl.warehouse})`);
  for (const { id, plan } of orders) {
    const shipment = await get(`${subscriberUrl.warehouse}/shipments/${id}`);
    say(`  ${plan.customerId.padEnd(8)} shipment ${str(shipment.status)}`);
  }

  say();
  say(`billing (${subscriberUrl.billing})`);
  for (const { id, plan } of orders) {
    for (const charge of await list(`${subscriberUrl.billing}/charges?orderId=${id}`)) {
      const amount = charge.amountCents ?? charge.totalCents ?? charge.amount;
      const currency = str(charge.currency);
      const status = str(charge.status ?? charge.kind ?? charge.type);
      say(`  ${plan.customerId.padEnd(8)} ${money(amount)} ${currency} ${status}`.trimEnd());
    }
  }
  say();
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
