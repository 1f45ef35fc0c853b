import type { StreamStatus } from '../../services/relay/streams/read-stream-status.js';

/**
 * The one StreamStatus test fixture: a healthy partition 0 of a one-partition "email" subscription,
 * as readStreamStatus returns it; tests override what they are about. Test support only.
 */
export const aStreamStatus = (overrides: Partial<StreamStatus> = {}): StreamStatus => ({
  name: 'email',
  partition: 0,
  partitions: 1,
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
