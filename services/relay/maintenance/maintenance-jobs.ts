import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../../common/clock.js';
import { scheduleJob } from '../../common/schedule-job.js';
import { purgeDeadLetters } from './purge-dead-letters.js';
import { purgeOutbox } from './purge-outbox.js';

export type MaintenanceJobs = { stop(): Promise<void> };

/**
 * Scheduled housekeeping. Every relay instance runs it; the purge is idempotent, so two instances
 * purging at once only repeat each other's work.
 */
export function startMaintenanceJobs(options: {
  db: Kysely<DB>;
  logger: Logger;
  clock: Clock;
  purgeSchedule: string;
  retentionMs: number;
  /** RELAY_DEAD_LETTER_RETENTION; null keeps dead letters until replayed or discarded. */
  deadLetterRetentionMs?: number | null;
}): MaintenanceJobs {
  const { db, logger, clock } = options;
  const stopOutbox = scheduleJob({
    name: 'outbox purge',
    schedule: options.purgeSchedule,
    logger,
    run: async () => {
      const cutoff = new Date(clock().getTime() - options.retentionMs);
      const deleted = await purgeOutbox(db, cutoff);
      logger.info({ deleted, cutoff }, 'outbox purged');
    },
  });
  const deadLetterRetentionMs = options.deadLetterRetentionMs ?? null;
  const stopDeadLetters =
    deadLetterRetentionMs === null
      ? async () => {}
      : scheduleJob({
          name: 'dead-letter purge',
          schedule: options.purgeSchedule,
          logger,
          run: async () => {
            const cutoff = new Date(clock().getTime() - deadLetterRetentionMs);
            const purged = await purgeDeadLetters(db, cutoff);
            logger.info({ ...purged, cutoff }, 'dead letters purged');
          },
        });
  return {
    stop: async () => {
      await Promise.all([stopOutbox(), stopDeadLetters()]);
    },
  };
}
