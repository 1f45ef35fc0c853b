import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import { expireHeldNotifications } from './expire-held-notifications.js';
import type { Clock } from '../../common/clock.js';

export type HeldNotificationExpiryOptions = {
  db: Kysely<DB>;
  clock: Clock;
  /** How long a notification may wait for its order's OrderPlaced (EMAIL_HELD_NOTIFICATION_RETENTION). */
  retentionMs: number;
  logger: Logger;
  /** The app's registry, so that /metrics serves the count. */
  registry: Registry;
};

/**
 * The job that keeps held notifications from waiting forever: each run drops those older than the
 * retention, logs each one (the order, the event, what it would have said) and counts them in
 * `email_held_notifications_expired_total`. Returns the run; the run answers how many expired.
 */
export function heldNotificationExpiry(options: HeldNotificationExpiryOptions): () => Promise<number> {
  const expired = new Counter({
    name: 'email_held_notifications_expired_total',
    help: 'Held notifications dropped unsent: their order was not seen placed within EMAIL_HELD_NOTIFICATION_RETENTION',
    registers: [options.registry],
  });
  return async () => {
    const cutoff = new Date(options.clock().getTime() - options.retentionMs);
    const notifications = await expireHeldNotifications(options.db, cutoff);
    for (const notification of notifications) {
      options.logger.warn(
        {
          orderId: notification.orderId,
          eventId: notification.eventId,
          kind: notification.kind,
          heldAt: notification.heldAt.toISOString(),
          retentionMs: options.retentionMs,
        },
        'held notification expired unsent',
      );
    }
    expired.inc(notifications.length);
    return notifications.length;
  };
}
