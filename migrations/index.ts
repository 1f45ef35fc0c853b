import type { Migration } from 'kysely';
import type { MigrationSet } from '../services/shared/db/migrate.js';
import * as createOrders from './20261127T100000_create_orders.js';
import * as createOutbox from './20261127T100100_create_outbox.js';

/**
 * Every migration of the core schema (orders, outbox, relay), by name. Listed here rather than read
 * from the folder so the same code runs from TypeScript sources and from the build output; a test
 * checks that no file in this folder is missing from the list.
 */
export const coreMigrations: Record<string, Migration> = {
  '20261127T100000_create_orders': createOrders,
  '20261127T100100_create_outbox': createOutbox,
};

/** Every migration set, in the order they apply. Subscribers add theirs here (own schema each). */
export const migrationSets: MigrationSet[] = [{ name: 'core', migrations: coreMigrations }];
