import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';

/**
 * Claims (scope, key) for the rest of the transaction, without waiting. A row insert alone would
 * make a concurrent request with the same key block until the first commits; the try-lock lets it
 * answer 409 at once instead. The lock is released at commit or rollback, so a crash never leaves
 * a key stuck "in flight". 64-bit hashes make an accidental clash between two live keys negligible.
 */
export async function tryLockIdempotencyKey(
  trx: Transaction<DB>,
  scope: string,
  key: string,
): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(hashtextextended(${`idempotency:${scope}:${key}`}, 0)) as locked`.execute(
    trx,
  );
  return rows[0]?.locked === true;
}
