import { describe, expect, it } from '@jest/globals';
import { deadLetterOrders, deadLettersPerSubscription, heldFollowersIn } from './dead-letters-json.js';
import { backlogIn, deadLettersIn } from './outbox-cli.js';

const status = JSON.stringify([
  { name: 'billing', backlog: 0, deadLetters: 3, leaseOwner: 'relay-1' },
  { name: 'email', backlog: 12, deadLetters: 0, leaseOwner: null },
]);

describe("reading the CLI's JSON", () => {
  it.each<[string, string, number | undefined, number | undefined]>([
    ['a subscription', 'billing', 0, 3],
    ['another subscription', 'email', 12, 0],
    ['a subscription it does not list', 'warehouse', undefined, undefined],
  ])('outbox status --json: %s', (_name, subscription, backlog, dead) => {
    expect(backlogIn(status, subscription)).toBe(backlog);
    expect(deadLettersIn(status, subscription)).toBe(dead);
  });

  const letter = (subscription: string, aggregateId: string, extra: object = {}) => ({
    id: '1',
    subscription,
    state: 'parked',
    held: false,
    heldBehind: 0,
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
      'followers counted on their parked letters',
      [letter('billing', 'o1', { heldBehind: 2 }), letter('billing', 'o2', { heldBehind: 1 })],
      { billing: ['o1', 'o2'] },
      3,
    ],
    [
      'held letters listed too (--held): counted once, on their parked letter',
      [letter('billing', 'o1', { heldBehind: 1 }), letter('billing', 'o1', { state: 'held', held: true })],
      { billing: ['o1'] },
      1,
    ],
  ])('outbox dead-letters --json: %s', (_name, letters, orders, held) => {
    const json = JSON.stringify(letters);
    expect(deadLetterOrders(json)).toEqual(orders);
    expect(Object.values(deadLettersPerSubscription(json)).reduce((sum, n) => sum + n, 0)).toBe(
      (letters as unknown[]).length,
    );
    expect(heldFollowersIn(json)).toBe(held);
  });
});
