import type { StreamStatus } from './streams/read-stream-status.js';

/**
 * The streams whose database-read gauges (backlog, lag, dead letters, ...) this relay instance
 * exports, so that summing a gauge over every instance counts each stream once: a stream is
 * reported by the instance holding its live lease, and a stream nobody holds (disabled, or between
 * owners) by the live instance of lowest id. Every instance reads the same rows, so they agree on
 * who reports what, up to the moment each one reads. `liveInstances` must include this one once it
 * heartbeats; before that it reports nothing, rather than every stream another instance reports.
 */
export function reportedStreams(
  streams: readonly StreamStatus[],
  instanceId: string,
  liveInstances: readonly string[],
): StreamStatus[] {
  if (!liveInstances.includes(instanceId)) return [];
  const lowest = [...liveInstances].sort()[0];
  return streams.filter((stream) =>
    stream.leaseOwner === null || !liveInstances.includes(stream.leaseOwner)
      ? lowest === instanceId
      : stream.leaseOwner === instanceId,
  );
}
