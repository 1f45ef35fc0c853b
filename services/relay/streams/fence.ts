import { sql } from 'kysely';

/**
 * The fence, as every statement that needs it names it: the `outbox_fence()` SQL function (see its
 * migration). Rows with `tx_id` below it are all visible to the statement or will never commit;
 * rows at or above it may still be joined by rows of transactions running below them, so a stream
 * never reads past it.
 *
 * A statement that uses the fence twice computes it once (`with fence as materialized (select
 * ${FENCE} as txid)`), so both uses agree.
 */
export const FENCE = sql<string>`outbox_fence()`;
