/** The inventory subscriber: `npm run start:inventory`. Wiring only. */
import { loadDotEnv } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startSubscriber } from '../inbox/start-subscriber.js';
import { loadConfig } from './config.js';
import { createInventoryApp } from './create-inventory-app.js';
import { inventoryEffects } from './inventory-effects.js';
import { systemClock } from '../../common/clock.js';

loadDotEnv();
const config = loadConfig();
const logger = createLogger('inventory', config.logLevel);

await startSubscriber({
  name: 'inventory',
  config,
  logger,
  clock: systemClock,
  effects: inventoryEffects,
  createApp: (db, edge) =>
    createInventoryApp({
      db,
      webhookSecrets: config.webhookSecrets,
      auth: config.auth,
      clock: systemClock,
      logger,
      bodyLimit: config.eventsBodyLimit,
      ...edge,
    }),
});
