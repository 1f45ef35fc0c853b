/** The email subscriber: `npm run start:email`. Wiring only. */
import { Registry } from 'prom-client';
import { loadDotEnv } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { scheduleJob } from '../../common/schedule-job.js';
import { startSubscriber } from '../inbox/start-subscriber.js';
import { loadConfig } from './config.js';
import { createEmailApp } from './create-email-app.js';
import { emailEffects } from './email-effects.js';
import { heldNotificationExpiry } from './held-notification-expiry.js';
import { recordingTransport } from './recording-transport.js';
import { systemClock } from '../../common/clock.js';

loadDotEnv();
const config = loadConfig();
const logger = createLogger('email', config.logLevel);

// One registry for the app and the expiry job, so that /metrics shows what the job counted.
const registry = new Registry();
const transport = recordingTransport(logger);

await startSubscriber({
  name: 'email',
  config,
  logger,
  clock: systemClock,
  effects: emailEffects(transport),
  registry,
  createApp: (db, edge) =>
    createEmailApp({
      db,
      webhookSecrets: config.webhookSecrets,
      auth: config.auth,
      clock: systemClock,
      logger,
      bodyLimit: config.eventsBodyLimit,
      ...edge,
      transport,
    }),
  scheduleJobs: (db) => {
    const expire = heldNotificationExpiry({
      db,
      clock: systemClock,
      retentionMs: config.heldNotificationRetentionMs,
      logger,
      registry,
    });
    return scheduleJob({
      name: 'held notification expiry',
      schedule: config.inboxPurgeSchedule,
      logger,
      run: async () => {
        await expire();
      },
    });
  },
});
