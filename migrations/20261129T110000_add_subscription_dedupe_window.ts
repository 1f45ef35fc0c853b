import { sql, type Kysely } from 'kysely';

/**
 * How long the subscriber remembers the ids of the events it processed (its inbox retention, 7 days
 * by default). Redelivering an event older than that may apply it twice, so `outbox rewind` and
 * `outbox replay` ask for --force before they do. Milliseconds, as the duration parser reads them;
 * 0 for a subscriber that does not dedupe at all.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('dedupe_window_ms', 'bigint', (col) =>
      col
        .notNull()
        .defaultTo(7 * 86_400_000)
        .check(sql`dedupe_window_ms >= 0`),
    )
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('dedupe_window_ms').execute();
}
