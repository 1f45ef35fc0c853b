import { Command } from 'commander';
import { listDeadLetters } from '../relay/dead-letters/list-dead-letters.js';
import { createTable, formatTime, truncate } from './format.js';
import { withDatabase } from './with-database.js';

export function deadLettersCommand(): Command {
  return new Command('dead-letters')
    .description('list parked events (those waiting for a replay included) in stream order')
    .option('--subscription <name>', 'only this subscription')
    .option('--all', 'include dead letters already replayed')
    .option('--json', 'print JSON')
    .action(async (options: { subscription?: string; all?: boolean; json?: boolean }) => {
      const letters = await withDatabase((db) =>
        listDeadLetters(db, {
          ...(options.subscription ? { subscription: options.subscription } : {}),
          includeReplayed: options.all ?? false,
        }),
      );
      if (options.json) {
        console.log(JSON.stringify(letters, null, 2));
        return;
      }
      if (letters.length === 0) {
        console.log('No dead letters.');
        return;
      }
      const table = createTable([
        'subscription',
        'event id',
        'type',
        'order',
        'position',
        'attempts',
        'last error',
        'first / last attempt',
        'state',
      ]);
      for (const letter of letters)
        table.push([
          letter.subscription,
          letter.event.eventId,
          letter.event.eventType,
          letter.event.aggregateId,
          letter.event.position,
          letter.attempts,
          truncate(letter.error, 40),
          `${formatTime(letter.firstAttemptAt)}\n${formatTime(letter.lastAttemptAt)}`,
          letter.state,
        ]);
      console.log(table.toString());
      console.log(
        'Replay with: outbox replay <event-id> [--subscription <name>], or --subscription <name> --all',
      );
    });
}
