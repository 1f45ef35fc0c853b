import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import { purgeInbox } from './purge-inbox.js';
import { scheduleJob } from '../../common/schedule-job.js';
import type { SubscriberName } from './subscriber.js';
import type { Clock } from '../../common/clock.js';

export type InboxPurgeOptions = {
  db: Kysely<DB>;
  schema: SubscriberName;
  clock: Clock;
  retentionMs: number;
  /** A cron expression (node-cron syntax, seconds optional). */
  schedule: string;
  logger: Logger;
};

/** Runs the inbox purge on a node-cron schedule; never two at once. Returns a stop function. */
export function scheduleInboxPurge(options: InboxPurgeOptions): () => Promise<void> {
  return scheduleJob({
    name: 'inbox purge',
    schedule: options.schedule,
    logger: options.logger,
    run: async () => {
      const purged = await purgeInbox(options.db, options.schema, options.clock(), options.retentionMs);
      options.logger.info({ purged, retentionMs: options.retentionMs }, 'inbox purged');
    },
  });
}
