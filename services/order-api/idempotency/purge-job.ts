import cron, { type ScheduledTask } from 'node-cron';
import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';
import { purgeIdempotencyRecords } from './purge-idempotency-records.js';

/** Schedules the purge of expired Idempotency-Key records; noOverlap keeps one run at a time. */
export function scheduleIdempotencyPurge(options: {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  schedule: string;
  retentionMs: number;
}): ScheduledTask {
  return cron.schedule(
    options.schedule,
    async () => {
      try {
        const purged = await purgeIdempotencyRecords(options.db, options.clock(), options.retentionMs);
        options.logger.info({ purged, retentionMs: options.retentionMs }, 'expired idempotency keys purged');
      } catch (error) {
        options.logger.error({ err: error }, 'idempotency key purge failed');
      }
    },
    { name: 'idempotency-key-purge', noOverlap: true },
  );
}
