import { describe, expect, it } from '@jest/globals';
import { reportedStreams } from './reported-streams.js';
import type { StreamStatus } from './streams/read-stream-status.js';

const stream = (name: string, partition: number, leaseOwner: string | null): StreamStatus => ({
  name,
  partition,
  partitions: 2,
  endpointUrl: 'http://127.0.0.1:9/events',
  eventTypes: ['OrderPlaced'],
  enabled: leaseOwner !== null,
  disabledReason: null,
  checkpoint: { txId: '0', position: '0' },
  backlog: 1,
  lagSeconds: null,
  fenceHeldSeconds: null,
  failedAttempts: 0,
  nextAttemptAt: null,
  lastError: null,
  lastStatusCode: null,
  deadLetters: 0,
  heldEvents: 0,
  unauthorized: false,
  leaseOwner,
  leaseExpiresAt: null,
});

const streams = [
  stream('a', 0, 'relay-b'),
  stream('a', 1, 'relay-a'),
  stream('off', 0, null),
  stream('orphan', 0, 'relay-gone'),
];
const ids = (list: StreamStatus[]) => list.map((s) => `${s.name}/${s.partition}`);

describe('which streams an instance reports', () => {
  it('reports the streams it leases, and the lowest live instance reports those nobody live holds', () => {
    const live = ['relay-b', 'relay-a'];
    expect(ids(reportedStreams(streams, 'relay-a', live))).toEqual(['a/1', 'off/0', 'orphan/0']);
    expect(ids(reportedStreams(streams, 'relay-b', live))).toEqual(['a/0']);
  });

  it('counts every stream exactly once over all live instances', () => {
    const live = ['relay-c', 'relay-a', 'relay-b'];
    const all = live.flatMap((id) => ids(reportedStreams(streams, id, live)));
    expect(all.sort()).toEqual(ids(streams).sort());
  });

  it('reports nothing before its own heartbeat counts it live', () => {
    expect(reportedStreams(streams, 'relay-new', ['relay-a'])).toEqual([]);
  });
});
