import type { Migration } from 'kysely';
import type { MigrationSet } from '../services/common/db/migrate.js';
import type { SubscriberName } from '../services/common/events/default-subscribers.js';
import * as createOrders from './20261127T100000_create_orders.js';
import * as createOutbox from './20261127T100100_create_outbox.js';
import * as createIdempotencyKeys from './20261127T110000_create_idempotency_keys.js';
import * as indexOrdersByStatus from './20261127T110100_index_orders_by_status.js';
import * as createSubscriptions from './20261127T120000_create_subscriptions.js';
import * as createRelayStreams from './20261127T120100_create_relay_streams.js';
import * as createRelayInstances from './20261127T120200_create_relay_instances.js';
import * as createDeadLetters from './20261127T120300_create_dead_letters.js';
import * as createOutboxFence from './20261129T100000_create_outbox_fence.js';
import * as addSubscriptionDedupeWindow from './20261129T110000_add_subscription_dedupe_window.js';
import * as holdDeadLetterFollowers from './20261129T140000_hold_dead_letter_followers.js';
import * as partitionStreams from './20261130T100000_partition_streams.js';
import * as addSubscriptionPreviousSecret from './20261201T100000_add_subscription_previous_secret.js';
import * as createDiscardedDeadLetters from './20261201T110000_create_discarded_dead_letters.js';
import * as createBillingTables from './billing/20261127T120300_create_billing_tables.js';
import * as createEmailTables from './email/20261127T120000_create_email_tables.js';
import * as createInventoryTables from './inventory/20261127T120100_create_inventory_tables.js';
import * as createWarehouseTables from './warehouse/20261127T120200_create_warehouse_tables.js';
import { createPartitionLeases } from './shared/20261130T100000_create_partition_leases.js';

/**
 * Every migration of the core schema (orders, outbox, relay), by name. Listed here rather than read
 * from the folder so the same code runs from TypeScript sources and from the build output; a test
 * checks that no file in this folder is missing from the list.
 */
export const coreMigrations: Record<string, Migration> = {
  '20261127T100000_create_orders': createOrders,
  '20261127T100100_create_outbox': createOutbox,
  '20261127T110000_create_idempotency_keys': createIdempotencyKeys,
  '20261127T110100_index_orders_by_status': indexOrdersByStatus,
  '20261127T120000_create_subscriptions': createSubscriptions,
  '20261127T120100_create_relay_streams': createRelayStreams,
  '20261127T120200_create_relay_instances': createRelayInstances,
  '20261127T120300_create_dead_letters': createDeadLetters,
  '20261129T100000_create_outbox_fence': createOutboxFence,
  '20261129T110000_add_subscription_dedupe_window': addSubscriptionDedupeWindow,
  '20261129T140000_hold_dead_letter_followers': holdDeadLetterFollowers,
  '20261130T100000_partition_streams': partitionStreams,
  '20261201T100000_add_subscription_previous_secret': addSubscriptionPreviousSecret,
  '20261201T110000_create_discarded_dead_letters': createDiscardedDeadLetters,
};

/**
 * Each subscriber's migrations (files in migrations/<service>/), applied into its own schema. Keyed
 * by every name of the subscriber registry, so a subscriber added there fails to compile until its
 * migrations are listed here.
 */
export const subscriberMigrations: Record<SubscriberName, Record<string, Migration>> = {
  email: { '20261127T120000_create_email_tables': createEmailTables, ...sharedMigrations('email') },
  inventory: {
    '20261127T120100_create_inventory_tables': createInventoryTables,
    ...sharedMigrations('inventory'),
  },
  warehouse: {
    '20261127T120200_create_warehouse_tables': createWarehouseTables,
    ...sharedMigrations('warehouse'),
  },
  billing: { '20261127T120300_create_billing_tables': createBillingTables, ...sharedMigrations('billing') },
};

/**
 * Migrations every subscriber applies into its own schema (files in migrations/shared/, each a
 * function of the schema): the partition leases of consuming from NATS.
 */
export function sharedMigrations(schema: SubscriberName): Record<string, Migration> {
  return { '20261130T100000_create_partition_leases': createPartitionLeases(schema) };
}

/** Every migration set, in the order they apply. Subscribers add theirs here (own schema each). */
export const migrationSets: MigrationSet[] = [
  // 'public' named explicitly: without a schema, Kysely takes another set's bookkeeping tables
  // (email.kysely_migration_lock) for its own when a subscriber migrated that database first.
  { name: 'core', migrations: coreMigrations, schema: 'public' },
  ...Object.entries(subscriberMigrations).map(([name, migrations]) => ({ name, migrations, schema: name })),
];
