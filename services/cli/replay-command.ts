import { Command } from 'commander';
import { z } from 'zod';
import type { ReplaySelection } from '../relay/dead-letters/request-replay.js';
import {
  requestReplayWithinDedupeWindow,
  type ReplayRequest,
} from '../relay/dead-letters/request-replay-within-dedupe-window.js';
import { formatDuration } from '../common/duration.js';
import { notifyRelay } from '../relay/wake/notify-relay.js';
import { addFilterOptions, parseFilterOptions, type FilterOptions } from './filter-options.js';
import { plural } from './format.js';
import { parsePartitionOption } from './partition-option.js';
import { withDatabase } from './with-database.js';

function selection(eventId: string | undefined, options: ReplayOptions): ReplaySelection {
  const partition = parsePartitionOption(options.partition);
  const filter = parseFilterOptions(options, new Date());
  const inPartition = { ...(partition === undefined ? {} : { partition }), ...(filter ? { filter } : {}) };
  if (eventId && options.all) throw new Error('give an event id or --all, not both');
  if (eventId) {
    if (!z.uuid().safeParse(eventId).success) throw new Error(`"${eventId}" is not an event id (a UUID)`);
    return {
      eventId,
      ...(options.subscription ? { subscription: options.subscription } : {}),
      ...inPartition,
    };
  }
  if (options.all && options.subscription)
    return { subscription: options.subscription, all: true, ...inPartition };
  throw new Error('give an event id, or --subscription <name> --all [--partition <n>] [filters]');
}

type ReplayOptions = FilterOptions & {
  subscription?: string;
  partition?: string;
  all?: boolean;
  force?: boolean;
  json?: boolean;
};

function dedupeWindowRefusal(selected: number, old: ReplayRequest[]): Error {
  const windows = new Set(old.map((row) => `${row.subscription}: ${formatDuration(row.dedupeWindowMs)}`));
  const [holds, them] = old.length === 1 ? ['holds an event', 'it'] : ['hold events', 'them'];
  return new Error(
    `refused: ${old.length} of the ${plural(selected, 'dead letter')} to replay ${holds} older than ` +
      `its subscription's dedupe window (${[...windows].join(', ')}): the subscriber may have ` +
      `forgotten it delivered ${them} and apply ${them} again. Nothing was marked; replay anyway ` +
      'with --force.',
  );
}

export function replayCommand(): Command {
  const command = new Command('replay')
    .description(
      "ask the relay to deliver dead letters again (one attempt each, before the stream's next batch)",
    )
    .argument('[event-id]', 'the parked event to replay (to every subscription that parked it)')
    .option('--subscription <name>', 'only for this subscription')
    .option('--all', 'every parked event of --subscription')
    .option('--partition <n>', 'only the dead letters of this partition (each stream replays its own)')
    .option('--force', "replay even events older than their subscription's dedupe window")
    .option('--json', 'print JSON: the dead letters marked, each with its dedupe-window verdict');
  return addFilterOptions(command).action(async (eventId: string | undefined, options: ReplayOptions) => {
    const wanted = selection(eventId, options);
    const result = await withDatabase(async (db) => {
      const requested = await requestReplayWithinDedupeWindow(db, wanted, options.force === true);
      if (requested.ok && requested.marked.length > 0) await notifyRelay(db);
      return requested;
    });
    if (!result.ok) {
      if (result.reason === 'selection-changed')
        throw new Error('the dead letters changed meanwhile; run it again');
      throw dedupeWindowRefusal(result.selected, result.beyondDedupeWindow);
    }
    const marked = result.marked;
    if (marked.length === 0) throw new Error('no parked dead letter matches');
    if (options.json) {
      console.log(JSON.stringify({ marked }, null, 2));
      return;
    }
    console.log(`Replay requested for ${marked.length} dead letter(s):`);
    for (const row of marked) console.log(`  ${row.subscription}  ${row.eventId}`);
    const old = marked.filter((row) => row.beyondDedupeWindow).length;
    if (old > 0)
      console.log(
        `--force: ${old} of them ${old === 1 ? 'holds an event' : 'hold events'} older than the ` +
          `dedupe window of its subscription; the subscriber may apply ${old === 1 ? 'it' : 'them'} twice.`,
      );
    console.log('The relay delivers them at its next step; `outbox dead-letters --all` shows the outcome.');
  });
}
