import { sql, type RawBuilder } from 'kysely';

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

/**
 * When the fence began holding a stream back, as far as the outbox tells: the `occurred_at` of the
 * first row after the checkpoint that the fence hides, null when it hides none (the fence is not
 * held for this stream). Rows at or above the fence are all after `(fence, 0)`, so the start is the
 * later of that and the checkpoint: one range on the (tx_id, position) index, whatever the plan.
 */
export function fenceHeldSince(
  checkpointTxId: RawBuilder<unknown>,
  checkpointPosition: RawBuilder<unknown>,
  fence: RawBuilder<unknown>,
): RawBuilder<Date | null> {
  return sql<Date | null>`(
    select hidden.occurred_at from outbox as hidden
    where (hidden.tx_id, hidden.position) >
          (greatest(${checkpointTxId}, ${fence}),
           case when ${checkpointTxId} >= ${fence} then ${checkpointPosition} else 0 end)
    order by hidden.tx_id, hidden.position
    limit 1)`;
}
