import { sql, type RawBuilder } from 'kysely';

/**
 * Whether an event that occurred at `occurredAt` is older than a subscriber's dedupe window of
 * `windowMs` milliseconds (SQL expressions both): the subscriber may have forgotten it processed
 * it, so delivering it again could apply it twice. The one rule rewind and replay both judge by.
 */
export function beyondDedupeWindow(
  occurredAt: RawBuilder<unknown>,
  windowMs: RawBuilder<unknown>,
): RawBuilder<boolean> {
  return sql<boolean>`${occurredAt} < now() - ${windowMs}::double precision * interval '1 millisecond'`;
}
