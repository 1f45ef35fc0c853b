import { Command, Option } from 'commander';
import { loadConfig, loadDotEnv } from '../shared/config.js';
import { createDb } from '../shared/db/create-db.js';
import { migrateAllToLatest, migrateDown } from '../shared/db/migrate.js';
import { createLogger } from '../shared/logger.js';
import { provisionDatabase } from '../shared/postgres/provision.js';
import { migrationSets } from '../../migrations/index.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending migrations (up, the default) or revert the latest one (down)')
    .argument('[direction]', 'up or down', 'up')
    .addOption(
      new Option('--set <name>', 'the migration set `down` reverts')
        .choices(migrationSets.map((set) => set.name))
        .default('core'),
    )
    .action(async (direction: string, options: { set: string }) => {
      if (direction !== 'up' && direction !== 'down')
        throw new Error(`unknown direction "${direction}": use up or down`);
      loadDotEnv();
      const config = loadConfig();
      const logger = createLogger('outbox-cli', config.logLevel);
      const database = await provisionDatabase(config, logger);
      const db = createDb({ connectionString: database.url, max: 1, logger });
      try {
        if (direction === 'up') {
          const applied = await migrateAllToLatest(db);
          for (const [set, names] of Object.entries(applied)) {
            console.log(names.length ? `${set}: applied ${names.join(', ')}` : `${set}: up to date`);
          }
        } else {
          const set = migrationSets.find((candidate) => candidate.name === options.set)!;
          const reverted = await migrateDown(db, set);
          console.log(
            reverted.length
              ? `${set.name}: reverted ${reverted.join(', ')}`
              : `${set.name}: nothing to revert`,
          );
        }
      } finally {
        await db.destroy();
        await database.stop();
      }
    });
}
