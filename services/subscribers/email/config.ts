import { envTypes } from '../../common/config.js';
import { loadSubscriberConfig, type SubscriberConfig } from '../inbox/subscriber-config.js';

export type EmailConfig = SubscriberConfig & {
  /** How long a notification waits for its order's OrderPlaced before it is dropped unsent. */
  heldNotificationRetentionMs: number;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): EmailConfig {
  const config = loadSubscriberConfig('email', env, {
    EMAIL_HELD_NOTIFICATION_RETENTION: envTypes
      .duration('3d')
      .refine((ms) => ms > 0, 'must be longer than 0'),
  });
  return { ...config, heldNotificationRetentionMs: config.extra.EMAIL_HELD_NOTIFICATION_RETENTION };
}
