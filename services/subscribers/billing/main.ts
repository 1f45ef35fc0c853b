/** The billing subscriber: `npm run start:billing`. Wiring only. */
import { loadDotEnv } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startSubscriber } from '../inbox/start-subscriber.js';
import { loadConfig } from './config.js';
import { createBillingApp } from './create-billing-app.js';
import { systemClock } from '../../common/clock.js';

loadDotEnv();
const config = loadConfig();
const logger = createLogger('billing', config.logLevel);

await startSubscriber({
  name: 'billing',
  config,
  logger,
  clock: systemClock,
  createApp: (db) =>
    createBillingApp({
      db,
      webhookSecret: config.webhookSecret,
      auth: config.auth,
      clock: systemClock,
      logger,
      bodyLimit: config.eventsBodyLimit,
      catalog: { currency: config.currency, defaultPriceCents: config.defaultPriceCents },
    }),
});
