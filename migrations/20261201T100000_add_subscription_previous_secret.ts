import { sql, type Kysely } from 'kysely';

/**
 * Secret rotation without a refused delivery: `outbox subscriptions rotate-secret` moves the
 * current secret here and keeps it valid until `previous_secret_until`; until then the relay signs
 * every delivery with both (Standard Webhooks carries several signatures), so a subscriber
 * configured with either secret accepts it. Both columns are set together or neither.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('subscriptions')
    .addCheckConstraint(
      'subscriptions_previous_secret_with_until',
      sql`(previous_secret is null) = (previous_secret_until is null)`,
    )
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .dropConstraint('subscriptions_previous_secret_with_until')
    .execute();
  await db.schema
    .alterTable('subscriptions')
    .dropColumn('previous_secret_until')
    .dropColumn('previous_secret')
    .execute();
}
