import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { IdempotencyRecord } from './stored-response.js';

/**
 * Stores the response in the command's own transaction. The conflict clause replaces only an
 * expired record that the purge job has not removed yet (the caller found it and treats it as gone).
 */
export async function saveIdempotencyRecord(trx: Transaction<DB>, record: IdempotencyRecord): Promise<void> {
  const values = {
    scope: record.scope,
    key: record.key,
    fingerprint: record.fingerprint,
    response_status: record.response.status,
    response_headers: JSON.stringify(record.response.headers),
    response_body: JSON.stringify(record.response.body),
    created_at: record.createdAt,
  };
  await trx
    .insertInto('idempotency_keys')
    .values(values)
    .onConflict((conflict) =>
      conflict.columns(['scope', 'key']).doUpdateSet({
        fingerprint: values.fingerprint,
        response_status: values.response_status,
        response_headers: values.response_headers,
        response_body: values.response_body,
        created_at: values.created_at,
      }),
    )
    .execute();
}
