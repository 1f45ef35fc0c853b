import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { FENCE, fenceHeldSince } from './fence.js';

/** The fence, and the enabled streams it holds back with the first row it hides for each. */
export type FenceHold = { fenceTxId: string; held: { subscription: string; since: Date }[] };

/**
 * One statement, an indexed LIMIT 1 per stream: cheap enough to run every few seconds. By
 * subscription: the earliest hold among its partitions.
 */
export async function readFenceHold(db: Kysely<DB>): Promise<FenceHold> {
  const { rows } = await sql<{ fence_tx_id: string; subscription: string | null; since: Date | null }>`
    with fence as materialized (select ${FENCE} as txid),
    held as (
      select s.name,
             min(${fenceHeldSince(sql.ref('r.checkpoint_tx_id'), sql.ref('r.checkpoint_position'), sql.ref('fence.txid'))}) as since
      from relay_streams as r
      join subscriptions as s on s.name = r.subscription_name
      cross join fence
      where s.enabled
      group by s.name)
    select fence.txid::text as fence_tx_id, held.name as subscription, held.since
    from fence left join held on held.since is not null
    order by held.name`.execute(db);
  const held: FenceHold['held'] = [];
  for (const row of rows)
    if (row.subscription !== null && row.since !== null)
      held.push({ subscription: row.subscription, since: row.since });
  return { fenceTxId: rows[0]!.fence_tx_id, held };
}
