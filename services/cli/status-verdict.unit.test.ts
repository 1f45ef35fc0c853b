import { describe, expect, it } from '@jest/globals';
import { aStreamStatus } from '../../test/support/stream-status.js';
import { collapsePartitions } from '../relay/streams/collapse-partitions.js';
import type { StreamStatus } from '../relay/streams/read-stream-status.js';
import { checkVerdict } from './status-verdict.js';

const stream = aStreamStatus;

const limits = { maxLagSeconds: 300, maxFenceHeldSeconds: 30 };
const verdict = (streams: StreamStatus[]) => checkVerdict(collapsePartitions(streams), limits);

describe('the status check verdict', () => {
  it("counts a subscription's partitions together, on one line", () => {
    const result = verdict([
      stream({ name: 'billing', partitions: 3, partition: 0, deadLetters: 2, heldEvents: 1 }),
      stream({ name: 'billing', partitions: 3, partition: 1 }),
      stream({ name: 'billing', partitions: 3, partition: 2, deadLetters: 1 }),
    ]);
    expect(result).toMatchObject({
      level: 'critical',
      exitCode: 2,
      line: 'CRITICAL billing: 3 dead letters (1 held behind)',
    });
  });

  it("puts a subscription's critical and warning problems on their level, critical first across subscriptions", () => {
    const result = verdict([
      stream({ name: 'a-email', failedAttempts: 1, lastStatusCode: 503, lagSeconds: 600 }),
      stream({ name: 'b-billing', deadLetters: 1, failedAttempts: 4, lastStatusCode: null }),
    ]);
    expect(result.line).toBe(
      'CRITICAL b-billing: 1 dead letter; WARNING a-email: retrying (1 failed attempt, HTTP 503), lag 10m 0s over 5m 0s; ' +
        'WARNING b-billing: retrying (4 failed attempts, network)',
    );
  });

  it('does not also warn of lag or a held fence for a disabled subscription', () => {
    const result = verdict([
      stream({ enabled: false, disabledReason: 'removed by ops', lagSeconds: 9_999, fenceHeldSeconds: 999 }),
    ]);
    expect(result.line).toBe('CRITICAL email: disabled (removed by ops)');
  });

  it('lets a fence held for less than the threshold, and lag at it, pass', () => {
    expect(verdict([stream({ fenceHeldSeconds: 30, lagSeconds: 300 })])).toMatchObject({
      level: 'ok',
      exitCode: 0,
      line: 'OK: 1 subscription, all healthy',
    });
  });
});
