/** The warehouse subscriber: `npm run start:warehouse`. Wiring only. */
import { loadDotEnv } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startSubscriber } from '../inbox/start-subscriber.js';
import { loadConfig } from './config.js';
import { createWarehouseApp } from './create-warehouse-app.js';
import { warehouseEffects } from './warehouse-effects.js';
import { systemClock } from '../../common/clock.js';

loadDotEnv();
const config = loadConfig();
const logger = createLogger('warehouse', config.logLevel);

await startSubscriber({
  name: 'warehouse',
  config,
  logger,
  clock: systemClock,
  effects: warehouseEffects,
  createApp: (db, edge) =>
    createWarehouseApp({
      db,
      webhookSecrets: config.webhookSecrets,
      auth: config.auth,
      clock: systemClock,
      logger,
      bodyLimit: config.eventsBodyLimit,
      ...edge,
    }),
});
