import { Command } from 'commander';
import { z } from 'zod';
import {
  countDiscardable,
  discardDeadLetters,
  type DiscardSelection,
} from '../relay/dead-letters/discard-dead-letters.js';
import { notifyRelay } from '../relay/wake/notify-relay.js';
import { confirm } from './confirm.js';
import { addFilterOptions, parseFilterOptions, type FilterOptions } from './filter-options.js';
import { plural } from './format.js';
import { operatorName } from './operator-name.js';
import { parsePartitionOption } from './partition-option.js';
import { withDatabase } from './with-database.js';

type DiscardOptions = FilterOptions & {
  subscription?: string;
  partition?: string;
  all?: boolean;
  yes?: boolean;
  json?: boolean;
};

function selection(eventId: string | undefined, options: DiscardOptions): DiscardSelection {
  const partition = parsePartitionOption(options.partition);
  const filter = parseFilterOptions(options, new Date());
  const narrowed = { ...(partition === undefined ? {} : { partition }), ...(filter ? { filter } : {}) };
  if (eventId && options.all) throw new Error('give an event id or --all, not both');
  if (eventId) {
    if (!z.uuid().safeParse(eventId).success) throw new Error(`"${eventId}" is not an event id (a UUID)`);
    return { eventId, ...(options.subscription ? { subscription: options.subscription } : {}), ...narrowed };
  }
  if (options.all && options.subscription)
    return { subscription: options.subscription, all: true, ...narrowed };
  throw new Error('give an event id, or --subscription <name> --all [filters]');
}

export function discardCommand(): Command {
  const command = new Command('discard')
    .description(
      'give up on dead letters: the relay never delivers them. They move to discarded_dead_letters ' +
        '(kept for audit: who, when). Discarding the parked event of an order releases the events ' +
        'held behind it: they are delivered next, in order, as after a replay. A letter whose replay ' +
        'is under way is not discarded. Bulk discards (--all) ask first unless --yes',
    )
    .argument('[event-id]', 'the event to discard (in every subscription that parked or holds it)')
    .option('--subscription <name>', 'only in this subscription')
    .option('--all', 'every dead letter of --subscription that the filters match')
    .option('--partition <n>', 'only the dead letters of this partition')
    .option('--yes', 'discard without asking (scripts: without it a bulk discard is refused)')
    .option('--json', 'print JSON: what was discarded and released');
  return addFilterOptions(command).action(async (eventId: string | undefined, options: DiscardOptions) => {
    const wanted = selection(eventId, options);
    const result = await withDatabase(async (db) => {
      let confirmed: number | undefined;
      if ('all' in wanted && !options.yes) {
        const count = await countDiscardable(db, wanted);
        if (count === 0) return { ok: true as const, discarded: [], released: [] };
        const question = `Discard ${plural(count, 'dead letter')} of "${wanted.subscription}"? They are never delivered.`;
        if (!(await confirm(question)))
          throw new Error(
            `not confirmed: ${plural(count, 'dead letter')} would be discarded; nothing changed ` +
              '(add --yes to discard without asking)',
          );
        confirmed = count;
      }
      const discarded = await discardDeadLetters(db, wanted, operatorName(), confirmed);
      if (discarded.ok && discarded.released.length > 0) await notifyRelay(db);
      return discarded;
    });
    if (!result.ok && result.reason === 'selection-changed')
      throw new Error(
        `refused: ${plural(result.found, 'dead letter')} now match, not the ${result.confirmed} confirmed; ` +
          'nothing was discarded. Run it again to see the new count',
      );
    if (!result.ok)
      throw new Error(
        `refused: the replay of ${result.letters.map((l) => `${l.subscription} ${l.eventId}`).join(', ')} ` +
          'is under way (the relay may be delivering it); nothing was discarded. Wait for its outcome ' +
          '(outbox dead-letters --all) and discard it if it is parked again',
      );
    // Before either output: a selection that matched nothing is an error in JSON too.
    if (result.discarded.length === 0)
      throw new Error('no dead letter matches (parked or held, not replayed)');
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(
      `Discarded ${plural(result.discarded.length, 'dead letter')} (kept in discarded_dead_letters):`,
    );
    for (const row of result.discarded)
      console.log(`  ${row.subscription}  ${row.eventId}${row.held ? '  (held)' : ''}`);
    if (result.released.length > 0) {
      console.log(
        `Released ${plural(result.released.length, 'held event')} whose parked event was discarded; ` +
          'the relay delivers them next, in order:',
      );
      for (const row of result.released) console.log(`  ${row.subscription}  ${row.eventId}`);
    }
  });
}
