import { describe, expect, it } from '@jest/globals';
import { judgeOrder, type SeenEffects } from './order-effects.js';
import type { Fate } from './workload.js';

const order = (fate: Fate) => ({
  id: 'o1',
  customerId: 'c1',
  items: [{ sku: 'E2E-MUG', quantity: 2 }],
  fate,
});
const bill = (charges: number, refunds = 0, voided = 0, chargedCents: number | undefined = 2_500) => ({
  charges,
  refunds,
  voided,
  chargedCents,
});
const shipped = [{ sku: 'E2E-MUG', status: 'committed' }];

/** [subscriber, doubled, wrong] per subscriber, in judgeOrder's order. */
type Verdicts = [string, number, boolean][];

function verdicts(fate: Fate, seen: SeenEffects): Verdicts {
  return judgeOrder(order(fate), seen, 2_500).map((v) => [v.subscriber, v.doubled, v.problem !== undefined]);
}

const allRight = (doubled: Partial<Record<string, number>> = {}, wrong: string[] = []): Verdicts =>
  ['email', 'inventory', 'warehouse', 'billing'].map((name) => [
    name,
    doubled[name] ?? 0,
    wrong.includes(name),
  ]);

describe('judging one order by what the subscribers show', () => {
  it.each<[string, Fate, SeenEffects, Verdicts]>([
    [
      'a delivered order, every effect once',
      'delivered',
      {
        emails: ['placed', 'shipped', 'delivered'],
        reservations: shipped,
        shipment: 'delivered',
        bill: bill(1),
      },
      allRight(),
    ],
    [
      'a delivered order with its shipped email twice and a second charge',
      'delivered',
      {
        emails: ['placed', 'shipped', 'shipped', 'delivered'],
        reservations: shipped,
        shipment: 'delivered',
        bill: bill(2),
      },
      allRight({ email: 1, billing: 1 }),
    ],
    [
      'a delivered order still shipped, its emails out of order',
      'delivered',
      {
        emails: ['placed', 'delivered', 'shipped'],
        reservations: shipped,
        shipment: 'shipped',
        bill: bill(1),
      },
      allRight({}, ['email', 'warehouse']),
    ],
    [
      'the same stock movement applied twice',
      'delivered',
      {
        emails: ['placed', 'shipped', 'delivered'],
        reservations: [...shipped, ...shipped],
        shipment: 'delivered',
        bill: bill(1),
      },
      allRight({ inventory: 1 }),
    ],
    [
      'an order cancelled after placing, refunded once',
      'cancelled',
      { emails: ['placed', 'cancelled'], reservations: [], shipment: 'cancelled', bill: bill(1, 1) },
      allRight(),
    ],
    [
      'an order cancelled after placing, never refunded, charged the wrong amount',
      'cancelled',
      { emails: ['placed', 'cancelled'], reservations: [], shipment: 'cancelled', bill: bill(1, 0, 0, 999) },
      allRight({}, ['billing']),
    ],
    [
      'an order cancelled while pending that left no trace',
      'cancelled-pending',
      { emails: [], reservations: [], shipment: undefined, bill: bill(0) },
      allRight(),
    ],
    [
      'an order cancelled while pending: a cancellation email, a cancelled shipment, a voided charge',
      'cancelled-pending',
      { emails: ['cancelled'], reservations: [], shipment: 'cancelled', bill: bill(1, 0, 1, undefined) },
      allRight(),
    ],
    [
      'an order cancelled while pending, yet charged, mailed twice and shipped',
      'cancelled-pending',
      { emails: ['cancelled', 'cancelled'], reservations: [], shipment: 'awaiting_pick', bill: bill(1) },
      allRight({ email: 1 }, ['warehouse', 'billing']),
    ],
    [
      'an order cancelled while pending that got a placed email',
      'cancelled-pending',
      { emails: ['placed'], reservations: [], shipment: 'cancelled', bill: bill(0) },
      allRight({}, ['email']),
    ],
  ])('%s', (_name, fate, seen, expected) => {
    expect(verdicts(fate, seen)).toEqual(expected);
  });
});
