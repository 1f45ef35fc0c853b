import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { migrationSets } from '../../../migrations/index.js';

// Migrations work on any schema (they are frozen in time, typed Kysely<any>).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export type MigrationSet = {
  /** Shown in logs: "core", "email", ... */
  name: string;
  migrations: Record<string, Migration>;
  /** Schema of the set's bookkeeping tables, so services sharing a database keep separate histories. */
  schema?: string;
};

export const coreMigrationSet: MigrationSet = migrationSets[0]!;

/**
 * Applies every set (core first, then each subscriber's) to one database: the tests' template, the
 * benchmark and codegen. `outbox migrate` and `npm start` put each subscriber's set in the
 * subscriber's own database instead (see postgres/subscriber-databases.ts).
 */
export async function migrateAllToLatest(db: AnyDb): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const set of migrationSets) applied[set.name] = await migrateToLatest(db, set);
  return applied;
}

function migratorFor(db: AnyDb, set: MigrationSet): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(set.migrations) },
    ...(set.schema ? { migrationTableSchema: set.schema } : {}),
  });
}

function unwrap(set: MigrationSet, { error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Migration ${set.name}${failed ? `/${failed}` : ''} failed`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: AnyDb, set: MigrationSet = coreMigrationSet): Promise<string[]> {
  if (set.schema) await db.schema.createSchema(set.schema).ifNotExists().execute();
  return unwrap(set, await migratorFor(db, set).migrateToLatest());
}

/** Reverts the most recent migration; returns its name (empty when there was none). */
export async function migrateDown(db: AnyDb, set: MigrationSet = coreMigrationSet): Promise<string[]> {
  return unwrap(set, await migratorFor(db, set).migrateDown());
}
