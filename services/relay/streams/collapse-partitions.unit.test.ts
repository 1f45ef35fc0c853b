import { describe, expect, it } from '@jest/globals';
import { aStreamStatus } from '../../../test/support/stream-status.js';
import { collapsePartitions, streamState } from './collapse-partitions.js';
import type { StreamStatus } from './read-stream-status.js';

const stream = (overrides: Partial<StreamStatus>): StreamStatus =>
  aStreamStatus({ name: 'wide', partitions: 3, ...overrides });

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
