/** The email subscriber: `npm run start:email`. Wiring only. */
import { loadDotEnv } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { startSubscriber } from '../inbox/start-subscriber.js';
import { loadConfig } from './config.js';
import { createEmailApp } from './create-email-app.js';
import { recordingTransport } from './recording-transport.js';

loadDotEnv();
const config = loadConfig();
const logger = createLogger('email', config.logLevel);
const clock = () => new Date();

await startSubscriber({
  name: 'email',
  config,
  logger,
  clock,
  createApp: (db) =>
    createEmailApp({
      db,
      webhookSecret: config.webhookSecret,
      clock,
      logger,
      bodyLimit: config.eventsBodyLimit,
      transport: recordingTransport(logger),
    }),
});
