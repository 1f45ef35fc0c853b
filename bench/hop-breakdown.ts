import type { ReceivedSpan } from './otlp-receiver.js';
import { distribution, type Distribution } from './percentiles.js';

/** The four hops of one event's way to one subscriber and back, each a distribution in ms. */
export type HopBreakdown = {
  /** (event, subscriber) pairs measured: events whose batch was applied and answered. */
  count: number;
  /** The Order API's write committed -> the relay has read the event. */
  apiCommitToRelayRead: Distribution;
  /** The relay read the batch -> its POST is sent (CloudEvents, signature). */
  relayReadToPostSent: Distribution;
  /** The POST sent -> the subscriber committed the batch (network, verify, dedupe, effects). */
  postToSubscriberCommit: Distribution;
  /** The subscriber committed -> the relay has the response. */
  subscriberCommitToResponse: Distribution;
};

export const HOPS = [
  'apiCommitToRelayRead',
  'relayReadToPostSent',
  'postToSubscriberCommit',
  'subscriberCommitToResponse',
] as const;

/**
 * The hops from the spans the services exported (one machine, one clock). An event's trace is the
 * one its Order API request started: its "write order change" span ends at the commit (a single
 * statement without an Idempotency-Key). Each relay "deliver <subscription>" span links to the
 * traces of the events it carried and holds "read", "sent" and "response" events; the subscriber's
 * "apply <name>" span is its child and holds "committed". Only events committed at or after
 * `fromMs` count (the measured phase, not the warm-up).
 */
export function hopBreakdown(spans: readonly ReceivedSpan[], fromMs = 0): HopBreakdown {
  const commits = new Map<string, number>();
  const applies = new Map<string, ReceivedSpan>();
  for (const span of spans) {
    if (span.name === 'write order change') commits.set(span.traceId, span.endMs);
    else if (span.name.startsWith('apply ') && span.parentSpanId) applies.set(span.parentSpanId, span);
  }
  const hops: Record<(typeof HOPS)[number], number[]> = {
    apiCommitToRelayRead: [],
    relayReadToPostSent: [],
    postToSubscriberCommit: [],
    subscriberCommitToResponse: [],
  };
  for (const delivery of spans) {
    if (!delivery.name.startsWith('deliver ')) continue;
    const read = eventAt(delivery, 'read');
    const sent = eventAt(delivery, 'sent');
    const response = eventAt(delivery, 'response');
    const committed = eventAt(applies.get(delivery.spanId), 'committed');
    if (read === undefined || sent === undefined || response === undefined || committed === undefined)
      continue;
    for (const traceId of new Set(delivery.links.map((link) => link.traceId))) {
      const commit = commits.get(traceId);
      if (commit === undefined || commit < fromMs) continue;
      hops.apiCommitToRelayRead.push(read - commit);
      hops.relayReadToPostSent.push(sent - read);
      hops.postToSubscriberCommit.push(committed - sent);
      hops.subscriberCommitToResponse.push(response - committed);
    }
  }
  return {
    count: hops.apiCommitToRelayRead.length,
    apiCommitToRelayRead: distribution(hops.apiCommitToRelayRead),
    relayReadToPostSent: distribution(hops.relayReadToPostSent),
    postToSubscriberCommit: distribution(hops.postToSubscriberCommit),
    subscriberCommitToResponse: distribution(hops.subscriberCommitToResponse),
  };
}

function eventAt(span: ReceivedSpan | undefined, name: string): number | undefined {
  return span?.events.find((event) => event.name === name)?.atMs;
}
