/**
 * The commands both load generators send: create an order, then place it. Bodies vary (customer,
 * one to three lines over 50 SKUs) so no cache or dedupe path flatters the figures, and match what
 * the seeded outbox holds.
 */
/** The SKUs every order line (and the seeded outbox) draws from. */
export const SEEDED_SKUS = Array.from({ length: 50 }, (_, i) => skuName(i));

function skuName(i: number): string {
  return `SKU-${String(i).padStart(3, '0')}`;
}

export function createOrderBody(n: number): string {
  const lines = 1 + (n % 3);
  const items = Array.from({ length: lines }, (_, k) => ({
    sku: skuName((n * 7 + k) % 50),
    quantity: 1 + ((n + k) % 3),
  }));
  return JSON.stringify({ customerId: `customer-${n % 1000}`, items });
}

export const CREATE_ORDER_PATH = '/orders';

export function placeOrderPath(orderId: string): string {
  return `/orders/${encodeURIComponent(orderId)}/place`;
}

/** The order id in a 201 from POST /orders, or undefined when the body is not an order. */
export function orderIdOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}
