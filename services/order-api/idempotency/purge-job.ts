import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../../common/clock.js';
import { scheduleJob } from '../../common/schedule-job.js';
import { purgeIdempotencyRecords } from './purge-idempotency-records.js';

/** Schedules the purge of expired Idempotency-Key records; returns a stop function. */
export function scheduleIdempotencyPurge(options: {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  schedule: string;
  retentionMs: number;
}): () => Promise<void> {
  return scheduleJob({
    name: 'idempotency key purge',
    schedule: options.schedule,
    logger: options.logger,
    run: async () => {
      const purged = await purgeIdempotencyRecords(options.db, options.clock(), options.retentionMs);
      options.logger.info({ purged, retentionMs: options.retentionMs }, 'expired idempotency keys purged');
    },
  });
}
