import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { isTransientDatabaseError, withTransientRetry } from '../../common/db/transient.js';
import { findIdempotencyRecord } from '../idempotency/find-idempotency-record.js';
import { tryLockIdempotencyKey } from '../idempotency/lock-idempotency-key.js';
import { idempotencyCutoff } from '../idempotency/purge-idempotency-records.js';
import { saveIdempotencyRecord } from '../idempotency/save-idempotency-record.js';
import type { StoredResponse } from '../idempotency/stored-response.js';
import type { CommandStore } from '../store/command-store.js';
import type { CommandDeps, CommandReply, CommandSpec } from './run-command.js';

/** The key's scope (route and caller, see idempotencyKeyScope), the key, and the request's fingerprint. */
export type IdempotencyClaim = { scope: string; key: string; fingerprint: string };

export type KeyedResult =
  | { kind: 'reply'; reply: CommandReply }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'key-reused' }
  | { kind: 'in-flight' };

/**
 * The key is held by a transaction that lost its connection, most likely this request's own earlier
 * attempt, which the server has not finished yet (it commits or rolls back once it notices its
 * client is gone). Retried like a transient failure; when the attempts run out, the command's
 * outcome is unknown.
 */
export class KeyHeldByLostAttempt extends Error {
  constructor() {
    super('The Idempotency-Key is still held by an attempt that lost its connection.');
    this.name = 'KeyHeldByLostAttempt';
  }
}

/**
 * Runs a command with an Idempotency-Key: one transaction holding the key's claim, the command and
 * the stored response, so a retry with the same key waits, replays the stored response, or is
 * refused, and never runs twice. A transaction whose connection is lost is retried: its commit, if
 * it happened, is then found as the key's record and replayed.
 */
export async function runWithIdempotencyKey<Input>(
  deps: CommandDeps,
  spec: CommandSpec<Input>,
  store: (db: Kysely<DB>) => CommandStore,
  input: Input,
  claim: IdempotencyClaim,
): Promise<KeyedResult> {
  let connectionLost = false;
  return withTransientRetry(
    async () => {
      try {
        const result = await deps.db
          .transaction()
          .execute((trx) => runInTransaction(deps, trx, spec, store(trx), input, claim));
        // After a lost connection the key's holder is likely the lost attempt itself, still
        // ending on the server: wait for it to end rather than call this request a duplicate.
        if (result.kind === 'in-flight' && connectionLost) throw new KeyHeldByLostAttempt();
        return result;
      } catch (error) {
        if (isTransientDatabaseError(error)) connectionLost = true;
        throw error;
      }
    },
    { retryOn: (error) => isTransientDatabaseError(error) || error instanceof KeyHeldByLostAttempt },
  );
}

async function runInTransaction<Input>(
  deps: CommandDeps,
  trx: Transaction<DB>,
  spec: CommandSpec<Input>,
  store: CommandStore,
  input: Input,
  { scope, key, fingerprint }: IdempotencyClaim,
): Promise<KeyedResult> {
  const now = deps.clock();
  if (!(await tryLockIdempotencyKey(trx, scope, key))) return { kind: 'in-flight' };
  const existing = await findIdempotencyRecord(trx, scope, key);
  // An expired record the purge job has not reached yet counts as gone.
  if (existing && existing.createdAt >= idempotencyCutoff(now, deps.idempotencyRetentionMs)) {
    return existing.fingerprint === fingerprint
      ? { kind: 'replay', response: existing.response }
      : { kind: 'key-reused' };
  }
  const reply = await spec.execute(store, input, now);
  // Only successes are stored: a refused request wrote nothing, so its retry is judged afresh.
  if (reply.ok) {
    await saveIdempotencyRecord(trx, {
      scope,
      key,
      fingerprint,
      response: reply.response,
      createdAt: now,
    });
  }
  return { kind: 'reply', reply };
}
