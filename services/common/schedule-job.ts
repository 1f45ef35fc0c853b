import cron from 'node-cron';
import type { Logger } from './logger.js';

export type ScheduledJob = {
  /** For the task and the failure log line ("<name> failed"). */
  name: string;
  /** A cron expression (node-cron syntax, seconds optional). */
  schedule: string;
  run: () => Promise<void>;
  logger: Logger;
};

/**
 * Runs a service's housekeeping (the relay's outbox purge, the Order API's idempotency-key purge, a
 * subscriber's inbox purge) on a node-cron schedule: never two runs at once, and a failed run is
 * logged and waits for the next tick. Returns a stop function.
 */
export function scheduleJob(job: ScheduledJob): () => Promise<void> {
  const task = cron.schedule(
    job.schedule,
    async () => {
      try {
        await job.run();
      } catch (error) {
        job.logger.error({ err: error }, `${job.name} failed`);
      }
    },
    { name: job.name, noOverlap: true },
  );
  return async () => {
    await task.destroy();
  };
}
