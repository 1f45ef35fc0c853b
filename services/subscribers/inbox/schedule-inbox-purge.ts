import type { Kysely } from 'kysely';
import cron from 'node-cron';
import type { DB } from '../../shared/db/database.js';
import type { Logger } from '../../shared/logger.js';
import { purgeInbox } from './purge-inbox.js';
import type { SubscriberName } from './subscriber.js';

export type InboxPurgeOptions = {
  db: Kysely<DB>;
  schema: SubscriberName;
  clock: () => Date;
  retentionMs: number;
  /** A cron expression (node-cron syntax, seconds optional). */
  schedule: string;
  logger: Logger;
};

/** Runs the inbox purge on a node-cron schedule; never two at once. Returns a stop function. */
export function scheduleInboxPurge(options: InboxPurgeOptions): () => Promise<void> {
  const task = cron.schedule(
    options.schedule,
    async () => {
      try {
        const purged = await purgeInbox(options.db, options.schema, options.clock(), options.retentionMs);
        options.logger.info({ purged, retentionMs: options.retentionMs }, 'inbox purged');
      } catch (error) {
        options.logger.error({ err: error }, 'inbox purge failed');
      }
    },
    { name: `${options.schema}-inbox-purge`, noOverlap: true },
  );
  return async () => {
    await task.destroy();
  };
}
