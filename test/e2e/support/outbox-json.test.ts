import { describe, expect, it } from '@jest/globals';
import { deadLetterOrders, deadLettersPerSubscription, heldFollowersIn } from './dead-letters-json.js';
import { backlogIn, deadLettersIn } from './outbox-cli.js';

const status = JSON.stringify([
  { name: 'billing', backlog: 0, deadLetters: 3, leaseOwner: 'relay-1' },
  { name: 'email', backlog: 12, deadLetters: 0, leaseOwner: null },
]);

describe("reading the CLI's JSON", () => {
  it.each<[string, string, string, number | undefined, number | undefined]>([
    ['a flat list', status, 'billing', 0, 3],
    ['a flat list, another subscription', status, 'email', 12, 0],
    ['a subscription it does not list', status, 'warehouse', undefined, undefined],
    [
      'a wrapped list with counts as strings and dead letters as a list',
      JSON.stringify({ streams: [{ subscription: 'email', backlog: '7', dead_letters: [{}, {}] }] }),
      'email',
      7,
      2,
    ],
  ])('outbox status --json: %s', (_name, json, subscription, backlog, dead) => {
    expect(backlogIn(json, subscription)).toBe(backlog);
    expect(deadLettersIn(json, subscription)).toBe(dead);
  });

  const letter = (subscription: string, aggregateId: string, extra: object = {}) => ({
    id: '1',
    subscription,
    state: 'parked',
    event: { eventId: 'e', eventType: 'OrderPlaced', aggregateId },
    ...extra,
  });

  it.each<[string, unknown, Record<string, string[]>, number]>([
    ['no dead letters', [], {}, 0],
    [
      'parked letters of two subscriptions, one order twice',
      [letter('billing', 'o2'), letter('billing', 'o1'), letter('billing', 'o2'), letter('email', 'o3')],
      { billing: ['o1', 'o2'], email: ['o3'] },
      0,
    ],
    [
      'followers shown as letters in a held state',
      [
        letter('billing', 'o1'),
        letter('billing', 'o1', { state: 'held' }),
        letter('billing', 'o2', { state: 'held' }),
      ],
      { billing: ['o1', 'o2'] },
      2,
    ],
    [
      'followers counted on the parked letter',
      {
        deadLetters: [letter('billing', 'o1', { heldFollowers: 2 }), letter('billing', 'o2', { held: [{}] })],
      },
      { billing: ['o1', 'o2'] },
      3,
    ],
    [
      'an order id under another name',
      [{ subscription_name: 'email', event: { data: { orderId: 'o9' } } }],
      { email: ['o9'] },
      0,
    ],
  ])('outbox dead-letters --json: %s', (_name, letters, orders, held) => {
    const json = JSON.stringify(letters);
    expect(deadLetterOrders(json)).toEqual(orders);
    expect(Object.values(deadLettersPerSubscription(json)).reduce((sum, n) => sum + n, 0)).toBe(
      (Array.isArray(letters) ? letters : (letters as { deadLetters: unknown[] }).deadLetters).length,
    );
    expect(heldFollowersIn(json)).toBe(held);
  });
});
