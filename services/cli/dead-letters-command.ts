import { Command } from 'commander';
import { listDeadLetters } from '../relay/dead-letters/list-dead-letters.js';
import { listDiscardedDeadLetters } from '../relay/dead-letters/list-discarded-dead-letters.js';
import { discardedTable } from './discarded-table.js';
import { discardCommand } from './discard-command.js';
import { addFilterOptions, parseFilterOptions, type FilterOptions } from './filter-options.js';
import { createTable, formatTime, truncate } from './format.js';
import { parsePartitionOption } from './partition-option.js';
import { withDatabase } from './with-database.js';

type DeadLettersOptions = FilterOptions & {
  subscription?: string;
  partition?: string;
  held?: boolean;
  all?: boolean;
  discarded?: boolean;
  json?: boolean;
};

export function deadLettersCommand(): Command {
  const command = new Command('dead-letters')
    .description(
      "list parked events in stream order, each with the number of its order's later events held behind it",
    )
    .option('--subscription <name>', 'only this subscription')
    .option('--partition <n>', 'only this partition (of each subscription listed)')
    .option('--held', 'list the held events too, each on its own row')
    .option('--all', 'include dead letters already replayed')
    .option('--discarded', 'list the discarded ones instead (the audit: who, when), the latest first')
    .option('--json', 'print JSON');
  return (
    addFilterOptions(command)
      // Its options before `discard` only: discard has its own --subscription, --all and filters.
      .enablePositionalOptions()
      .addCommand(discardCommand())
      .action(async (options: DeadLettersOptions) => {
        const partition = parsePartitionOption(options.partition);
        const filter = parseFilterOptions(options, new Date());
        if (options.discarded) {
          const discarded = await withDatabase((db) =>
            listDiscardedDeadLetters(db, {
              ...(options.subscription ? { subscription: options.subscription } : {}),
              ...(partition === undefined ? {} : { partition }),
              ...(filter ? { filter } : {}),
            }),
          );
          console.log(options.json ? JSON.stringify(discarded, null, 2) : discardedTable(discarded));
          return;
        }
        const letters = await withDatabase((db) =>
          listDeadLetters(db, {
            ...(options.subscription ? { subscription: options.subscription } : {}),
            ...(partition === undefined ? {} : { partition }),
            includeReplayed: options.all ?? false,
            includeHeld: options.held ?? false,
            ...(filter ? { filter } : {}),
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
          'partition',
          'event id',
          'type',
          'order',
          'position',
          'attempts',
          'last error',
          'first / last attempt',
          'state',
          'held behind',
        ]);
        for (const letter of letters)
          table.push([
            letter.subscription,
            letter.partition,
            letter.event.eventId,
            letter.event.eventType,
            letter.event.aggregateId,
            letter.event.position,
            letter.attempts,
            truncate(letter.error, 40),
            `${formatTime(letter.firstAttemptAt)}\n${formatTime(letter.lastAttemptAt)}`,
            letter.state,
            letter.heldBehind,
          ]);
        console.log(table.toString());
        console.log(
          'Replay with: outbox replay <event-id> [--subscription <name>], or --subscription <name> --all ' +
            '[--partition <n>] [filters] ' +
            "(an order's held events follow its parked one, in order); give up on them with " +
            'outbox dead-letters discard (same selection)',
        );
      })
  );
}
