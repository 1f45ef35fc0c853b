import { describe, expect, it } from '@jest/globals';
import { hopBreakdown } from './hop-breakdown.js';
import type { ReceivedSpan } from './otlp-receiver.js';

const span = (fields: Partial<ReceivedSpan> & Pick<ReceivedSpan, 'name' | 'spanId'>): ReceivedSpan => ({
  service: 'test',
  traceId: 'trace-of-delivery',
  parentSpanId: undefined,
  startMs: 0,
  endMs: 0,
  events: [],
  links: [],
  ...fields,
});

/** Two orders' writes, one batch carrying both events to "email", applied; a warm-up order before. */
const spans: ReceivedSpan[] = [
  span({ name: 'write order change', traceId: 'warm-up', spanId: 'w0', endMs: 50 }),
  span({ name: 'write order change', traceId: 'order-a', spanId: 'wa', endMs: 1_000 }),
  span({ name: 'write order change', traceId: 'order-b', spanId: 'wb', endMs: 1_001 }),
  span({
    name: 'deliver email',
    spanId: 'd1',
    links: [
      { traceId: 'warm-up', spanId: 'r0' },
      { traceId: 'order-a', spanId: 'ra' },
      { traceId: 'order-b', spanId: 'rb' },
    ],
    events: [
      { name: 'read', atMs: 1_003 },
      { name: 'sent', atMs: 1_003.5 },
      { name: 'response', atMs: 1_010 },
    ],
  }),
  span({
    name: 'apply email',
    spanId: 'a1',
    parentSpanId: 'd1',
    events: [{ name: 'committed', atMs: 1_008 }],
  }),
  // A delivery whose batch was never applied (the subscriber refused it): no hop of it counts.
  span({
    name: 'deliver billing',
    spanId: 'd2',
    links: [{ traceId: 'order-a', spanId: 'ra' }],
    events: [
      { name: 'read', atMs: 1_002 },
      { name: 'sent', atMs: 1_002.2 },
      { name: 'response', atMs: 1_004 },
    ],
  }),
];

describe('hopBreakdown', () => {
  it('splits each delivered event into its four hops, from the measured phase on', () => {
    const breakdown = hopBreakdown(spans, 500);
    expect(breakdown.count).toBe(2);
    expect(breakdown.apiCommitToRelayRead).toMatchObject({ count: 2, p50: 2, max: 3 });
    expect(breakdown.relayReadToPostSent).toMatchObject({ p50: 0.5, max: 0.5 });
    expect(breakdown.postToSubscriberCommit).toMatchObject({ p50: 4.5, max: 4.5 });
    expect(breakdown.subscriberCommitToResponse).toMatchObject({ p50: 2, p99: 2 });
  });

  it('counts the warm-up too when no start is given', () => {
    expect(hopBreakdown(spans).count).toBe(3);
  });
});
