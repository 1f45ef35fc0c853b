import { formatCheckpoint } from '../relay/streams/checkpoint.js';
import {
  collapsePartitions,
  streamState,
  type SubscriptionStatus,
} from '../relay/streams/collapse-partitions.js';
import { describeFenceHolder } from '../relay/streams/describe-fence-holder.js';
import type { FenceHolder } from '../relay/streams/read-fence-holder.js';
import type { StreamStatus } from '../relay/streams/read-stream-status.js';
import { isHeld } from '../relay/streams/read-status.js';
import { createTable, formatAge, formatTime, truncate } from './format.js';

function failing(stream: StreamStatus): string {
  if (stream.failedAttempts === 0) return '-';
  const status = stream.lastStatusCode ? `HTTP ${stream.lastStatusCode}` : 'network';
  return `${stream.failedAttempts} (${status})`;
}

/** "Fence held for 45.0s by pid 4242 (...), transaction 1234: email, billing wait behind it." */
function fenceLine(streams: StreamStatus[], holder: FenceHolder, now: Date): string {
  const held = streams.filter(isHeld);
  const longest = Math.max(...held.map((stream) => stream.fenceHeldSeconds ?? 0));
  const names = [...new Set(held.map((stream) => stream.name))];
  return (
    `Fence held for ${formatAge(longest)} by ${describeFenceHolder(holder, now, formatAge)}: ` +
    `${names.join(', ')} wait${names.length === 1 ? 's' : ''} behind it.`
  );
}

/** Partitions side by side, one row each: what `--partitions` shows. */
function partitionTable(streams: StreamStatus[]): string {
  const table = createTable([
    'subscription',
    'partition',
    'state',
    'checkpoint',
    'backlog',
    'lag',
    'failing',
    'next retry',
    'dead letters',
    'held',
    'owner',
  ]);
  for (const stream of streams)
    table.push([
      stream.name,
      `${stream.partition} of ${stream.partitions}`,
      streamState(stream),
      formatCheckpoint(stream.checkpoint),
      stream.backlog,
      formatAge(stream.lagSeconds),
      failing(stream),
      formatTime(stream.nextAttemptAt),
      stream.deadLetters,
      stream.heldEvents,
      stream.leaseOwner ?? '-',
    ]);
  return table.toString();
}

/** One row per subscription, its partitions collapsed (see collapsePartitions). */
function subscriptionTable(subscriptions: SubscriptionStatus[]): string {
  const table = createTable([
    'subscription',
    'state',
    'checkpoint',
    'backlog',
    'lag',
    'failing',
    'next retry',
    'dead letters',
    'held',
    'partitions',
    'owners',
  ]);
  for (const s of subscriptions)
    table.push([
      s.name,
      s.state,
      formatCheckpoint(s.checkpoint),
      s.backlog,
      formatAge(s.lagSeconds),
      failing(s.worst),
      formatTime(s.worst.nextAttemptAt),
      s.deadLetters,
      s.heldEvents,
      s.partitions,
      [...s.owners, ...(s.unowned > 0 && s.partitions > 1 ? [`${s.unowned} unowned`] : [])].join('\n') || '-',
    ]);
  return table.toString();
}

/** What needs words under the table: a wrong secret, the last error, why it is disabled. */
function notes(stream: StreamStatus, label: string): string[] {
  const lines: string[] = [];
  if (stream.unauthorized)
    lines.push(
      `${label}: unauthorized: the subscriber refuses the relay's signature (HTTP ${stream.lastStatusCode}); ` +
        'check that its secret matches the subscription (outbox subscriptions list)',
    );
  if (stream.lastError) lines.push(`${label}: last error: ${truncate(stream.lastError, 160)}`);
  return lines;
}

/**
 * The text `outbox status` prints: the table (one row per subscription, or per partition), then the
 * lines that need words: who holds the fence, wrong secrets, last errors, why a subscription is off.
 */
export function statusReport(
  streams: StreamStatus[],
  holder: FenceHolder | null,
  now: Date,
  options: { partitions?: boolean },
): string {
  if (streams.length === 0) return 'No subscriptions.';
  const out: string[] = [];
  const lines: string[] = [];
  if (options.partitions) {
    out.push(partitionTable(streams));
    for (const stream of streams)
      lines.push(
        ...notes(stream, stream.partitions > 1 ? `${stream.name}/${stream.partition}` : stream.name),
      );
  } else {
    const subscriptions = collapsePartitions(streams);
    out.push(subscriptionTable(subscriptions));
    for (const s of subscriptions) {
      const failingPartitions = streams.filter((stream) => stream.name === s.name && stream.lastError);
      lines.push(...notes(s.worst, s.name));
      if (failingPartitions.length > 1)
        lines.push(
          `${s.name}: ${failingPartitions.length} of its ${s.partitions} partitions are failing ` +
            '(outbox status --partitions)',
        );
    }
  }
  if (holder) out.push(fenceLine(streams, holder, now));
  out.push(...lines);
  for (const s of collapsePartitions(streams))
    if (!s.enabled && s.disabledReason) out.push(`${s.name}: ${s.disabledReason}`);
  return out.join('\n');
}
