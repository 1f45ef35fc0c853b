/** The billing subscriber: `npm run start:billing`. Wiring only. */
import { loadDotEnv } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startSubscriber } from '../inbox/start-subscriber.js';
import { loadConfig } from './config.js';
import { billingEffects } from './billing-effects.js';
import { createBillingApp } from './create-billing-app.js';
import { systemClock } from '../../common/clock.js';

loadDotEnv();
const config = loadConfig();
const logger = createLogger('billing', config.logLevel);

const catalog = { currency: config.currency, defaultPriceCents: config.defaultPriceCents };

await startSubscriber({
  name: 'billing',
  config,
  logger,
  clock: systemClock,
  effects: billingEffects(catalog),
  createApp: (db, edge) =>
    createBillingApp({
      db,
      webhookSecrets: config.webhookSecrets,
      auth: config.auth,
      clock: systemClock,
      logger,
      bodyLimit: config.eventsBodyLimit,
      ...edge,
      catalog,
    }),
});
