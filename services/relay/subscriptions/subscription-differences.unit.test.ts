import { describe, expect, it } from '@jest/globals';
import type { SubscriptionInput } from './subscription.js';
import { subscriptionDifferences, type StoredSettings } from './subscription-differences.js';

const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const stored: StoredSettings = {
  endpointUrl: 'nats://127.0.0.1:4222/orders',
  eventTypes: ['OrderPlaced', 'OrderShipped'],
  partitions: 4,
  dedupeWindowMs: 7 * 24 * 3_600_000,
  secret,
};
const input: SubscriptionInput = {
  name: 'orders',
  endpointUrl: stored.endpointUrl,
  eventTypes: ['OrderShipped', 'OrderPlaced'],
  secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
  from: 'now',
  dedupeWindowMs: stored.dedupeWindowMs,
  partitions: 4,
};

describe('adding a subscription that exists', () => {
  it('is a repeat when url, event types (in any order), partitions and dedupe window match, whatever --from says', () => {
    expect(subscriptionDifferences(stored, input, false)).toEqual([]);
  });

  it('compares the secret only when one was given, since a generated one always differs', () => {
    expect(subscriptionDifferences(stored, input, true)).toEqual(['--secret']);
    expect(subscriptionDifferences(stored, { ...input, secret }, true)).toEqual([]);
  });

  it('names every option that differs, as the CLI names them', () => {
    expect(
      subscriptionDifferences(
        stored,
        {
          ...input,
          endpointUrl: 'nats://127.0.0.1:4222/other',
          eventTypes: ['OrderPlaced'],
          partitions: undefined,
          dedupeWindowMs: 60_000,
        },
        false,
      ),
    ).toEqual(['url', '--events', '--partitions', '--dedupe-window']);
  });
});
