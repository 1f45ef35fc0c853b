import { Command } from 'commander';
import { formatCheckpoint } from '../relay/streams/checkpoint.js';
import { rewindStream, type RewindTarget } from '../relay/streams/rewind-stream.js';
import { notifyRelay } from '../relay/wake/notify-relay.js';
import { withDatabase } from './with-database.js';

export function parseRewindTarget(text: string): RewindTarget {
  if (/^\d+$/.test(text)) return { position: text };
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(time)) return { time: new Date(time) };
  throw new Error(
    `--to must be an outbox position (digits) or an ISO time such as 2026-11-27T10:00:00Z, got "${text}"`,
  );
}

export function rewindCommand(): Command {
  return new Command('rewind')
    .description('move a subscription back so that events from a position or time are delivered again')
    .argument('<subscription>')
    .requiredOption('--to <position|time>', 'an outbox position, or an ISO 8601 time')
    .action(async (subscription: string, options: { to: string }) => {
      const target = parseRewindTarget(options.to);
      const result = await withDatabase(async (db) => {
        const rewound = await rewindStream(db, subscription, target);
        if (rewound.ok) await notifyRelay(db);
        return rewound;
      });
      if (!result.ok)
        throw new Error(
          result.reason === 'no-such-subscription'
            ? `no subscription "${subscription}"`
            : `no event in the outbox at or after ${options.to}`,
        );
      console.log(
        `Rewound "${subscription}" to ${formatCheckpoint(result.checkpoint)}: ` +
          `${result.events} event(s) of the outbox are after it (those of its types are delivered again).`,
      );
    });
}
