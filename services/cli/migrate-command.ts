import { Command, Option } from 'commander';
import { loadConfig, loadDotEnv } from '../common/config.js';
import { createDb } from '../common/db/create-db.js';
import { coreMigrationSet, migrateDown, migrateToLatest } from '../common/db/migrate.js';
import { createLogger } from '../common/logger.js';
import { databaseNameOf } from '../common/postgres/database-admin.js';
import { provisionDatabase } from '../common/postgres/provision.js';
import {
  locateSubscriberDatabase,
  provisionSubscriberDatabases,
} from '../common/postgres/subscriber-databases.js';
import { migrationSets } from '../../migrations/index.js';

const appliedLine = (set: string, names: string[]) =>
  names.length ? `${set}: applied ${names.join(', ')}` : `${set}: up to date`;

export function migrateCommand(): Command {
  return new Command('migrate')
    .description(
      'apply pending migrations (up, the default): the core schema to the main database, each ' +
        "subscriber's to its own (created when missing); or revert the latest one of a set (down)",
    )
    .argument('[direction]', 'up or down', 'up')
    .addOption(
      new Option('--set <name>', 'the migration set `down` reverts')
        .choices(migrationSets.map((set) => set.name))
        .default('core'),
    )
    .option('--json', 'print JSON: the migrations applied (or reverted) per set')
    .action(async (direction: string, options: { set: string; json?: boolean }) => {
      if (direction !== 'up' && direction !== 'down')
        throw new Error(`unknown direction "${direction}": use up or down`);
      loadDotEnv();
      const config = loadConfig();
      const logger = createLogger('outbox-cli', config.logLevel, 'stderr');
      const database = await provisionDatabase(config, logger);
      try {
        if (direction === 'up') {
          const db = createDb({ connectionString: database.url, max: 1, logger });
          const sets: { set: string; database: string; applied: string[] }[] = [];
          try {
            const applied = await migrateToLatest(db, coreMigrationSet);
            sets.push({ set: 'core', database: databaseNameOf(database.url), applied });
          } finally {
            await db.destroy();
          }
          for (const subscriber of await provisionSubscriberDatabases(database.url, process.env, logger))
            sets.push({
              set: subscriber.subscriber,
              database: databaseNameOf(subscriber.url),
              applied: subscriber.applied,
            });
          if (options.json) console.log(JSON.stringify({ direction, sets }, null, 2));
          else
            for (const { set, database: name, applied } of sets)
              console.log(appliedLine(set === 'core' ? set : `${set} (database ${name})`, applied));
          return;
        }
        const set = migrationSets.find((candidate) => candidate.name === options.set)!;
        const url =
          set === coreMigrationSet
            ? database.url
            : (await locateSubscriberDatabase(database.url, process.env, set.name, { create: false })).url;
        const db = createDb({ connectionString: url, max: 1, logger });
        try {
          const reverted = await migrateDown(db, set);
          if (options.json) {
            console.log(JSON.stringify({ direction, set: set.name, reverted }, null, 2));
            return;
          }
          console.log(
            reverted.length
              ? `${set.name}: reverted ${reverted.join(', ')}`
              : `${set.name}: nothing to revert`,
          );
        } finally {
          await db.destroy();
        }
      } finally {
        await database.stop();
      }
    });
}
