import { Command } from 'commander';
import { formatDuration } from '../common/duration.js';
import { formatCheckpoint, type Checkpoint } from '../relay/streams/checkpoint.js';
import { rewindStream, type RewindTarget } from '../relay/streams/rewind-stream.js';
import type { RewindRefusal } from '../relay/streams/rewind-verdict.js';
import { notifyRelay } from '../relay/wake/notify-relay.js';
import { plural } from './format.js';
import { parsePartitionOption } from './partition-option.js';
import { withDatabase } from './with-database.js';

export function parseRewindTarget(text: string): RewindTarget {
  if (/^\d+$/.test(text)) return { position: text };
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(time)) return { time: new Date(time) };
  throw new Error(
    `--to must be an outbox position (digits) or an ISO time such as 2026-11-27T10:00:00Z, got "${text}"`,
  );
}

function describeRefusal(
  refusal: RewindRefusal,
  context: { to: Checkpoint; from: Checkpoint; dedupeWindow: string },
): string {
  switch (refusal.reason) {
    case 'forward':
      return (
        `it would move the checkpoint forward past ${plural(refusal.undelivered, 'undelivered event')} ` +
        `(from ${formatCheckpoint(context.from)} to ${formatCheckpoint(context.to)}); ` +
        'rewind only moves a checkpoint back'
      );
    case 'open-transaction':
      return (
        `a transaction still open (pid ${refusal.transaction.pid ?? 'unknown'}) could commit events ` +
        `behind that point (${formatCheckpoint(context.to)}), and they would never be delivered; ` +
        'retry once it has ended, or rewind to an earlier point'
      );
    case 'beyond-dedupe-window':
      return (
        `${refusal.events} of the ${plural(refusal.redelivered, 'event')} it would deliver again ` +
        `occurred more than ${context.dedupeWindow} ago (the subscription's dedupe window): the ` +
        'subscriber may have forgotten it delivered them and apply them again; rewind anyway with --force'
      );
  }
}

export function rewindCommand(): Command {
  return new Command('rewind')
    .description(
      'move a subscription back so that events from a position or time are delivered again ' +
        '(never forward, never behind a transaction still open)',
    )
    .argument('<subscription>')
    .requiredOption('--to <position|time>', 'an outbox position, or an ISO 8601 time')
    .option(
      '--partition <n>',
      'only this partition (0-based); by default every partition of the subscription, which all move ' +
        'or none does (a partition already before the point stays where it is)',
    )
    .option('--force', "deliver again even events older than the subscription's dedupe window")
    .option('--json', 'print JSON: the checkpoint, the partitions moved and left, the events after it')
    .action(
      async (
        subscription: string,
        options: { to: string; partition?: string; force?: boolean; json?: boolean },
      ) => {
        const target = parseRewindTarget(options.to);
        const partition = parsePartitionOption(options.partition);
        const result = await withDatabase(async (db) => {
          const rewound = await rewindStream(db, subscription, target, options.force === true, partition);
          if (rewound.ok) await notifyRelay(db);
          return rewound;
        });
        if (!result.ok) {
          if (result.reason === 'no-such-subscription') throw new Error(`no subscription "${subscription}"`);
          if (result.reason === 'no-such-partition')
            throw new Error(
              `"${subscription}" has ${plural(result.partitions, 'partition')} (0 to ${result.partitions - 1}); ` +
                `there is no partition ${partition}`,
            );
          if (result.reason === 'no-event-at-or-after')
            throw new Error(`no event in the outbox at or after ${options.to}`);
          const dedupeWindow = formatDuration(result.dedupeWindowMs);
          const [only] = result.refused;
          if (result.refused.length === 1 && only && (partition !== undefined || only.partition === 0)) {
            const reasons = only.refusals.map(
              (refusal) =>
                `\n  - ${describeRefusal(refusal, { to: result.to, from: only.from, dedupeWindow })}`,
            );
            throw new Error(
              `refused to rewind "${subscription}"${partition === undefined ? '' : ` partition ${partition}`} ` +
                `to ${options.to}; the checkpoint stays at ${formatCheckpoint(only.from)}:${reasons.join('')}`,
            );
          }
          const parts = result.refused.map(
            (part) =>
              `\n  partition ${part.partition} (checkpoint ${formatCheckpoint(part.from)}):` +
              part.refusals
                .map(
                  (refusal) =>
                    `\n    - ${describeRefusal(refusal, { to: result.to, from: part.from, dedupeWindow })}`,
                )
                .join(''),
          );
          throw new Error(
            `refused to rewind "${subscription}" to ${options.to}; no partition moved:${parts.join('')}`,
          );
        }
        if (options.json) {
          const { ok: _ok, ...rewound } = result;
          console.log(JSON.stringify({ subscription, ...rewound }, null, 2));
          return;
        }
        const which =
          partition === undefined && result.rewound.length === 1 && result.alreadyBefore.length === 0
            ? ''
            : ` (partition${result.rewound.length === 1 ? '' : 's'} ${result.rewound.join(', ')})`;
        console.log(
          `Rewound "${subscription}"${which} to ${formatCheckpoint(result.checkpoint)}: ` +
            `${result.events} event(s) of the outbox are after it (those of its types are delivered again).`,
        );
        if (result.alreadyBefore.length > 0)
          console.log(
            `Left where they were, already before that point: partition${result.alreadyBefore.length === 1 ? '' : 's'} ` +
              `${result.alreadyBefore.join(', ')}.`,
          );
        if (result.beyondDedupeWindow > 0)
          console.log(
            `--force: ${plural(result.beyondDedupeWindow, 'event')} older than the dedupe window ` +
              `(${formatDuration(result.dedupeWindowMs)}) ${result.beyondDedupeWindow === 1 ? 'is' : 'are'} ` +
              'delivered again; the subscriber may apply them twice.',
          );
      },
    );
}
