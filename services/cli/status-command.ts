import { Command } from 'commander';
import { formatCheckpoint } from '../relay/streams/checkpoint.js';
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
  return stream.failedAttempts > 0 ? 'retrying' : 'ok';
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'per subscription: checkpoint, backlog, lag, failing attempts and next retry, dead letters, owner',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const now = new Date();
      const streams = await withDatabase((db) => readStreamStatus(db, now));
      if (options.json) {
        console.log(JSON.stringify(streams, null, 2));
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
