import { Command } from 'commander';
import { z } from 'zod';
import { requestReplay, type ReplaySelection } from '../relay/dead-letters/request-replay.js';
import { notifyRelay } from '../relay/wake/notify-relay.js';
import { withDatabase } from './with-database.js';

function selection(
  eventId: string | undefined,
  options: { subscription?: string; all?: boolean },
): ReplaySelection {
  if (eventId && options.all) throw new Error('give an event id or --all, not both');
  if (eventId) {
    if (!z.uuid().safeParse(eventId).success) throw new Error(`"${eventId}" is not an event id (a UUID)`);
    return { eventId, ...(options.subscription ? { subscription: options.subscription } : {}) };
  }
  if (options.all && options.subscription) return { subscription: options.subscription, all: true };
  throw new Error('give an event id, or --subscription <name> --all');
}

export function replayCommand(): Command {
  return new Command('replay')
    .description(
      "ask the relay to deliver dead letters again (one attempt each, before the stream's next batch)",
    )
    .argument('[event-id]', 'the parked event to replay (to every subscription that parked it)')
    .option('--subscription <name>', 'only for this subscription')
    .option('--all', 'every parked event of --subscription')
    .action(async (eventId: string | undefined, options: { subscription?: string; all?: boolean }) => {
      const wanted = selection(eventId, options);
      const marked = await withDatabase(async (db) => {
        const rows = await requestReplay(db, wanted);
        if (rows.length > 0) await notifyRelay(db);
        return rows;
      });
      if (marked.length === 0) throw new Error('no parked dead letter matches');
      console.log(`Replay requested for ${marked.length} dead letter(s):`);
      for (const row of marked) console.log(`  ${row.subscription}  ${row.eventId}`);
      console.log('The relay delivers them at its next step; `outbox dead-letters --all` shows the outcome.');
    });
}
