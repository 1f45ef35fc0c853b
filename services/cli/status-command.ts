import { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../common/db/database.js';
import { collapsePartitions } from '../relay/streams/collapse-partitions.js';
import { parseDurationOption } from './duration-option.js';
import type { FenceHolder } from '../relay/streams/read-fence-holder.js';
import type { StreamStatus } from '../relay/streams/read-stream-status.js';
import { isHeld, readStatus } from '../relay/streams/read-status.js';
import { statusReport } from './status-report.js';
import { checkVerdict, type CheckThresholds } from './status-verdict.js';
import { watch } from './watch.js';
import { withDatabase } from './with-database.js';

type StatusOptions = {
  json?: boolean;
  partitions?: boolean;
  check?: boolean;
  maxLag: string;
  maxFenceHeld: string;
  watch?: boolean;
  interval: string;
};

/** What `status --json` prints: every partition, with the fence's holder where it holds one back. */
function statusDocument(streams: StreamStatus[], holder: FenceHolder | null) {
  return streams.map((stream) => ({ ...stream, fenceHolder: isHeld(stream) ? holder : null }));
}

/** `--check`: one line (or JSON) and an exit code for alerting: 0 ok, 1 warning, 2 critical, 3 unknown. */
async function check(db: Kysely<DB>, limits: CheckThresholds, json: boolean): Promise<void> {
  const { streams } = await readStatus(db, new Date());
  const verdict = checkVerdict(collapsePartitions(streams), limits);
  console.log(json ? JSON.stringify(verdict, null, 2) : verdict.line);
  process.exitCode = verdict.exitCode;
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'per subscription: checkpoint, backlog, lag, failing attempts and next retry, dead letters, ' +
        'owners; and who holds the fence when a running transaction holds streams back. A ' +
        "subscription's partitions are collapsed into one row (worst state, summed backlog and " +
        "dead letters, largest lag, lowest checkpoint, the worst partition's failure); --partitions " +
        'shows each partition, --json every partition',
    )
    .option('--partitions', 'one row per partition instead of one per subscription')
    .option(
      '--json',
      'print JSON: every partition, with its fence holder when held (with --check: the verdict; ' +
        'with --watch: one document per refresh, each on one line)',
    )
    .option(
      '--check',
      'for alerting: print one line, worst first, and exit 0 when healthy, 1 on a warning (retrying, ' +
        'a fence held over --max-fence-held, lag over --max-lag), 2 on a critical problem (dead letters ' +
        'waiting, a subscription disabled, a subscriber refusing the signature: 401/403), 3 when the ' +
        'status cannot be read',
    )
    .option('--max-lag <duration>', 'with --check: warn when the oldest undelivered event is older', '5m')
    .option(
      '--max-fence-held <duration>',
      'with --check: warn when the fence holds a stream back longer',
      '30s',
    )
    .option(
      '--watch',
      'redraw the table every --interval until Ctrl-C (or until stdout is closed: exit 0); a failed ' +
        'read is reported on stderr and tried again at the next one',
    )
    .option('--interval <duration>', 'with --watch: time between draws', '2s')
    .action(async (options: StatusOptions) => {
      if (options.check) {
        try {
          // Inside the try: a check given a bad limit could not look, which is 3, not a warning.
          const limits = {
            maxLagSeconds: parseDurationOption(options.maxLag, '--max-lag') / 1_000,
            maxFenceHeldSeconds: parseDurationOption(options.maxFenceHeld, '--max-fence-held') / 1_000,
          };
          await withDatabase((db) => check(db, limits, options.json === true));
        } catch (error) {
          // An alerting script must tell "could not look" from "looked and found trouble".
          const message = error instanceof Error ? error.message : String(error);
          console.log(
            options.json
              ? JSON.stringify({ level: 'unknown', exitCode: 3, line: `UNKNOWN: ${message}` })
              : `UNKNOWN: ${message}`,
          );
          process.exitCode = 3;
        }
        return;
      }
      if (options.watch) {
        const intervalMs = parseDurationOption(options.interval, '--interval');
        await withDatabase((db) =>
          watch(
            async () => {
              const now = new Date();
              const { streams, holder } = await readStatus(db, now);
              return options.json
                ? JSON.stringify(statusDocument(streams, holder))
                : statusReport(streams, holder, now, options);
            },
            { title: 'outbox status', intervalMs, lines: options.json === true },
          ),
        );
        return;
      }
      const now = new Date();
      const { streams, holder } = await withDatabase((db) => readStatus(db, now));
      if (options.json) {
        console.log(JSON.stringify(statusDocument(streams, holder), null, 2));
        return;
      }
      console.log(statusReport(streams, holder, now, options));
    });
}
