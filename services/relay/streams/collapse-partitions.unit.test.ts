import { describe, expect, it } from '@jest/globals';
import { collapsePartitions, streamState } from './collapse-partitions.js';
import type { StreamStatus } from './read-stream-status.js';

const stream = (overrides: Partial<StreamStatus>): StreamStatus => ({
  name: 'wide',
  partition: 0,
  partitions: 3,
  endpointUrl: 'http://127.0.0.1:9/events',
  eventTypes: ['OrderPlaced'],
  enabled: true,
  disabledReason: null,
  checkpoint: { txId: '10', position: '5' },
  backlog: 0,
  lagSeconds: null,
  fenceHeldSeconds: null,
  failedAttempts: 0,
  nextAttemptAt: null,
  lastError: null,
  lastStatusCode: null,
  deadLetters: 0,
  heldEvents: 0,
  unauthorized: false,
  leaseOwner: 'relay-a',
  leaseExpiresAt: null,
  ...overrides,
});

describe('collapsePartitions', () => {
  it('sums counts, takes the largest ages and the lowest checkpoint, shows the worst partition and every owner', () => {
    const [wide, narrow] = collapsePartitions([
      stream({ partition: 0, backlog: 3, lagSeconds: 2, deadLetters: 1 }),
      stream({
        partition: 1,
        backlog: 4,
        lagSeconds: 9,
        failedAttempts: 2,
        lastError: 'HTTP 503',
        leaseOwner: 'relay-b',
        checkpoint: { txId: '9', position: '7' },
      }),
      stream({ partition: 2, fenceHeldSeconds: 1, heldEvents: 2, leaseOwner: null }),
      stream({ name: 'narrow', partitions: 1 }),
    ]);
    expect(wide).toMatchObject({
      name: 'wide',
      partitions: 3,
      state: 'retrying',
      backlog: 7,
      lagSeconds: 9,
      fenceHeldSeconds: 1,
      deadLetters: 1,
      heldEvents: 2,
      failedAttempts: 2,
      checkpoint: { txId: '9', position: '7' },
      owners: ['relay-a', 'relay-b'],
      unowned: 1,
    });
    expect(wide!.worst.partition).toBe(1);
    expect(narrow).toMatchObject({ name: 'narrow', state: 'ok', lagSeconds: null, owners: ['relay-a'] });
  });

  it('ranks states worst first: disabled, unauthorized, retrying, fenced, ok', () => {
    expect(streamState(stream({ enabled: false, failedAttempts: 1 }))).toBe('disabled');
    expect(streamState(stream({ unauthorized: true, failedAttempts: 1 }))).toBe('unauthorized');
    expect(streamState(stream({ failedAttempts: 1, fenceHeldSeconds: 3 }))).toBe('retrying');
    expect(streamState(stream({ fenceHeldSeconds: 3 }))).toBe('fenced');
    const [collapsed] = collapsePartitions([
      stream({ fenceHeldSeconds: 3 }),
      stream({ partition: 1, unauthorized: true, failedAttempts: 1 }),
      stream({ partition: 2, failedAttempts: 4 }),
    ]);
    expect(collapsed!.state).toBe('unauthorized');
  });
});
