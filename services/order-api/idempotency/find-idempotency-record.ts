import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { IdempotencyRecord, StoredResponse } from './stored-response.js';

export async function findIdempotencyRecord(
  trx: Transaction<DB>,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const row = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    scope: row.scope,
    key: row.key,
    fingerprint: row.fingerprint,
    response: {
      status: row.response_status,
      headers: row.response_headers as StoredResponse['headers'],
      body: row.response_body,
    },
    createdAt: row.created_at,
  };
}
