import type { Kysely } from 'kysely';
import type { DB } from '../common/db/database.js';
import type { Logger } from '../common/logger.js';
import type { Clock } from '../common/clock.js';
import { decideFenceWarning } from './fence-warning.js';
import { describeFenceHolder } from './streams/describe-fence-holder.js';
import { readFenceHold } from './streams/read-fence-hold.js';
import { readFenceHolder } from './streams/read-fence-holder.js';

export type FenceWatch = { stop(): Promise<void> };

/**
 * Looks every few seconds (half the threshold, 0.1-5 s) whether the fence holds a stream back, and
 * warns once per holding transaction when it has for `warnAfterMs`, naming it: a psql session left
 * idle in transaction otherwise stops delivery with nothing in the logs.
 */
export function startFenceWatch(options: {
  db: Kysely<DB>;
  logger: Logger;
  clock: Clock;
  warnAfterMs: number;
}): FenceWatch {
  const { db, logger, clock, warnAfterMs } = options;
  const intervalMs = Math.min(5_000, Math.max(100, warnAfterMs / 2));
  let warned: string | null = null;

  const look = async () => {
    const hold = await readFenceHold(db);
    const decided = decideFenceWarning(warned, hold, clock().getTime(), warnAfterMs);
    warned = decided.warned;
    const { warning } = decided;
    if (warning.kind === 'released') {
      logger.info({ fenceTxId: warning.fenceTxId }, 'outbox fence released: the streams it held go on');
    } else if (warning.kind === 'warn') {
      const holder = await readFenceHolder(db);
      logger.warn(
        {
          fenceTxId: warning.fenceTxId,
          heldForSeconds: Math.round(warning.heldForMs / 1_000),
          subscriptions: warning.subscriptions,
          holder: describeFenceHolder(holder, clock()),
          ...(holder.kind === 'session' ? { holderPid: holder.pid } : {}),
          ...(holder.kind === 'prepared' ? { holderGid: holder.gid } : {}),
        },
        'outbox fence held: a transaction of this database still running keeps the streams from going on',
      );
    }
  };

  // One look at a time: when the database is slow, skip one rather than queue them up.
  let looking: Promise<void> | undefined;
  const tick = () => {
    if (looking) return;
    looking = look()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not look at the outbox fence'))
      .finally(() => (looking = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await looking;
    },
  };
}
