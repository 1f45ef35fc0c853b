/**
 * Every scope a token can carry, and what it lets its bearer do. A token without `orders:admin` acts
 * as one customer: its subject is the customer id, and it sees and changes only that customer's
 * orders. Subscriber scopes guard each subscriber's own read and admin routes; deliveries to
 * POST /events are signed instead and need none.
 */
export const SCOPES = {
  'orders:create': 'create orders and place them',
  'orders:read': 'read orders, their events and lists of them',
  'orders:cancel': 'cancel orders',
  'orders:fulfil': 'ship and deliver orders (staff and fulfilment services)',
  'orders:admin': "act on any customer's orders, not only the subject's own",
  'inventory:read': 'read stock and reservations',
  'inventory:write': 'set stock levels',
  'billing:read': 'read prices and charges',
  'billing:write': 'set prices',
  'warehouse:read': 'read shipments',
  'warehouse:write': 'advance shipments',
  'email:read': 'read the emails sent',
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

/** What a customer's token carries: its own orders, nothing of anyone else's. */
export const CUSTOMER_SCOPES: Scope[] = ['orders:create', 'orders:read', 'orders:cancel'];

/** What an operator's (staff) token carries: everything. */
export const OPERATOR_SCOPES: Scope[] = ALL_SCOPES;

export function isScope(text: string): text is Scope {
  return Object.hasOwn(SCOPES, text);
}
