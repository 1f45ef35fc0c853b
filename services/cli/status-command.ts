import { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../common/db/database.js';
import { formatCheckpoint } from '../relay/streams/checkpoint.js';
import { describeFenceHolder } from '../relay/streams/describe-fence-holder.js';
import { readFenceHolder, type FenceHolder } from '../relay/streams/read-fence-holder.js';
import { readStreamStatus, type StreamStatus } from '../relay/streams/read-stream-status.js';
import { createTable, formatAge, formatTime, truncate } from './format.js';
import { withDatabase } from './with-database.js';

function failing(stream: StreamStatus): string {
  if (stream.failedAttempts === 0) return '-';
  const status = stream.lastStatusCode ? `HTTP ${stream.lastStatusCode}` : 'network';
  return `${stream.failedAttempts} (${status})`;
}

function state(stream: StreamStatus): string {
  if (!stream.enabled) return 'disabled';
  if (stream.unauthorized) return 'unauthorized';
  if (stream.failedAttempts > 0) return 'retrying';
  return stream.fenceHeldSeconds === null ? 'ok' : 'fenced';
}

const isHeld = (stream: StreamStatus) => stream.enabled && stream.fenceHeldSeconds !== null;

/** The streams, and who holds the fence when it holds one of them back (asked only then). */
async function readStatus(db: Kysely<DB>, now: Date) {
  const streams = await readStreamStatus(db, now);
  const holder: FenceHolder | null = streams.some(isHeld) ? await readFenceHolder(db) : null;
  return { streams, holder };
}

/** "Fence held for 45.0s by pid 4242 (...), transaction 1234: email, billing wait behind it." */
function fenceLine(streams: StreamStatus[], holder: FenceHolder, now: Date): string {
  const held = streams.filter(isHeld);
  const longest = Math.max(...held.map((stream) => stream.fenceHeldSeconds ?? 0));
  return (
    `Fence held for ${formatAge(longest)} by ${describeFenceHolder(holder, now, formatAge)}: ` +
    `${held.map((stream) => stream.name).join(', ')} wait${held.length === 1 ? 's' : ''} behind it.`
  );
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'per subscription: checkpoint, backlog, lag, failing attempts and next retry, dead letters, ' +
        'owner; and who holds the fence when a running transaction holds streams back',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const now = new Date();
      const { streams, holder } = await withDatabase((db) => readStatus(db, now));
      if (options.json) {
        const withHolder = streams.map((stream) => ({
          ...stream,
          fenceHolder: isHeld(stream) ? holder : null,
        }));
        console.log(JSON.stringify(withHolder, null, 2));
        return;
      }
      if (streams.length === 0) {
        console.log('No subscriptions.');
        return;
      }
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
        'owner',
      ]);
      for (const stream of streams)
        table.push([
          stream.name,
          state(stream),
          formatCheckpoint(stream.checkpoint),
          stream.backlog,
          formatAge(stream.lagSeconds),
          failing(stream),
          formatTime(stream.nextAttemptAt),
          stream.deadLetters,
          stream.heldEvents,
          stream.leaseOwner ?? '-',
        ]);
      console.log(table.toString());
      if (holder) console.log(fenceLine(streams, holder, now));
      for (const stream of streams) {
        if (stream.unauthorized)
          console.log(
            `${stream.name}: unauthorized: the subscriber refuses the relay's signature (HTTP ${stream.lastStatusCode}); ` +
              'check that its secret matches the subscription (outbox subscriptions list)',
          );
        if (stream.lastError) console.log(`${stream.name}: last error: ${truncate(stream.lastError, 160)}`);
        if (!stream.enabled && stream.disabledReason) console.log(`${stream.name}: ${stream.disabledReason}`);
      }
    });
}
